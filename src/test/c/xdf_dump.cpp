// Reads an XDF file with libxdf (Debian's libxdf-dev) and prints what it found, one line each:
//   stream <index> <name> <type> <channel_count> <channel_format> <nominal_srate> <samples>
//   label <stream> <channel> <label> <unit>
//   sample <stream> <timestamp> <value> ...        (numeric streams, %.9g)
//   event <stream> <timestamp> <text>              (string streams)
// The Java tests compare these lines with what they wrote.
#include <xdf.h>
#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: xdf_dump FILE.xdf\n");
        return 2;
    }
    Xdf xdf;
    if (xdf.load_xdf(argv[1]) != 0) {
        std::fprintf(stderr, "libxdf could not load %s\n", argv[1]);
        return 1;
    }
    for (size_t s = 0; s < xdf.streams.size(); s++) {
        const Xdf::Stream& st = xdf.streams[s];
        std::printf("stream %zu %s %s %d %s %.9g %zu\n", s, st.info.name.c_str(), st.info.type.c_str(),
                    st.info.channel_count, st.info.channel_format.c_str(), st.info.nominal_srate, st.time_stamps.size());
        for (size_t c = 0; c < st.info.channels.size(); c++) {
            auto label = st.info.channels[c].find("label");
            auto unit = st.info.channels[c].find("unit");
            std::printf("label %zu %zu %s %s\n", s, c, label == st.info.channels[c].end() ? "-" : label->second.c_str(),
                        unit == st.info.channels[c].end() ? "-" : unit->second.c_str());
        }
        if (st.info.channel_format != "string") {
            for (size_t i = 0; i < st.time_stamps.size(); i++) {
                std::printf("sample %zu %.17g", s, st.time_stamps[i]);
                for (size_t c = 0; c < st.time_series.size(); c++) {
                    std::printf(" %.9g", st.time_series[c][i]);
                }
                std::printf("\n");
            }
        }
    }
    for (const auto& e : xdf.eventMap) {
        std::printf("event %d %.17g %s\n", e.second, e.first.second, e.first.first.c_str());
    }
    return 0;
}
