/*
 * A real liblsl on the other end of our LSL code, for the interop tests (LiblslInteropTest).
 *
 *   lsl_harness outlet FORMAT SOURCE_ID SECONDS START   liblsl outlet "LiblslEEG", 8 channels, 256 Hz;
 *                                                       sample i carries value(c, START + i)
 *   lsl_harness inlet SOURCE_ID N                       liblsl inlet: N samples of value(c, i), checked
 *
 * value(c, i) = c*1000 + (i % 1000), or ((c*13 + i) % 200) - 100 for int8.
 * liblsl's header is not shipped with the prebuilt library, so the few functions used are
 * declared here from its C API (lsl_c.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lsl_streaminfo_struct_ *lsl_streaminfo;
typedef struct lsl_outlet_struct_ *lsl_outlet;
typedef struct lsl_inlet_struct_ *lsl_inlet;
typedef struct lsl_xml_ptr_struct_ *lsl_xml_ptr;

extern lsl_streaminfo lsl_create_streaminfo(const char *, const char *, int, double, int, const char *);
extern lsl_xml_ptr lsl_get_desc(lsl_streaminfo);
extern lsl_xml_ptr lsl_append_child(lsl_xml_ptr, const char *);
extern lsl_xml_ptr lsl_append_child_value(lsl_xml_ptr, const char *, const char *);
extern lsl_outlet lsl_create_outlet(lsl_streaminfo, int, int);
extern int lsl_push_sample_dt(lsl_outlet, const double *, double);
extern int lsl_wait_for_consumers(lsl_outlet, double);
extern void lsl_destroy_outlet(lsl_outlet);
extern double lsl_local_clock(void);
extern int lsl_resolve_byprop(lsl_streaminfo *, unsigned, const char *, const char *, int, double);
extern lsl_inlet lsl_create_inlet(lsl_streaminfo, int, int, int);
extern void lsl_open_stream(lsl_inlet, double, int *);
extern double lsl_pull_sample_d(lsl_inlet, double *, int, double, int *);
extern double lsl_time_correction(lsl_inlet, double, int *);
extern void lsl_destroy_inlet(lsl_inlet);

static const char *LABELS[8] = {"Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"};

static int format_of(const char *name) {
    const char *names[] = {"", "float32", "double64", "string", "int32", "int16", "int8", "int64"};
    for (int i = 1; i < 8; i++) if (strcmp(name, names[i]) == 0) return i;
    fprintf(stderr, "unknown format %s\n", name);
    exit(2);
}

static double value(int format, int c, long i) {
    return format == 6 ? ((c * 13 + i) % 200) - 100 : c * 1000 + (i % 1000);
}

static void sleep_until(double t) {
    double wait = t - lsl_local_clock();
    if (wait > 0) {
        struct timespec ts = {(time_t) wait, (long) ((wait - (time_t) wait) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static int outlet(const char *fmt, const char *source_id, double seconds, long start) {
    int format = format_of(fmt);
    lsl_streaminfo info = lsl_create_streaminfo("LiblslEEG", "EEG", 8, 256.0, format, source_id);
    lsl_xml_ptr chans = lsl_append_child(lsl_get_desc(info), "channels");
    for (int c = 0; c < 8; c++) {
        lsl_xml_ptr ch = lsl_append_child(chans, "channel");
        lsl_append_child_value(ch, "label", LABELS[c]);
        lsl_append_child_value(ch, "unit", "microvolts");
    }
    lsl_outlet out = lsl_create_outlet(info, 0, 360);
    printf("outlet ready\n");
    fflush(stdout);
    if (!lsl_wait_for_consumers(out, 30.0)) {
        fprintf(stderr, "no consumer came\n");
        return 1;
    }
    long n = (long) (seconds * 256);
    double t0 = lsl_local_clock();
    double sample[8];
    for (long i = 0; i < n; i++) {
        sleep_until(t0 + i / 256.0);
        for (int c = 0; c < 8; c++) sample[c] = value(format, c, start + i);
        lsl_push_sample_dt(out, sample, t0 + i / 256.0);
    }
    printf("pushed %ld\n", n);
    fflush(stdout);
    sleep_until(lsl_local_clock() + 1.0); /* liblsl drops what it has not sent when the outlet is destroyed */
    lsl_destroy_outlet(out);
    return 0;
}

static int inlet(const char *source_id, long n) {
    lsl_streaminfo found[4];
    if (lsl_resolve_byprop(found, 4, "source_id", source_id, 1, 10.0) < 1) {
        fprintf(stderr, "liblsl did not find source_id %s\n", source_id);
        return 1;
    }
    int ec = 0;
    lsl_inlet in = lsl_create_inlet(found[0], 360, 0, 1);
    lsl_open_stream(in, 10.0, &ec);
    if (ec) {
        fprintf(stderr, "open_stream failed: %d\n", ec);
        return 1;
    }
    double sample[8], last = 0;
    for (long i = 0; i < n; i++) {
        double ts = lsl_pull_sample_d(in, sample, 8, 10.0, &ec);
        if (ec || ts == 0.0) {
            fprintf(stderr, "no sample %ld (error %d)\n", i, ec);
            return 1;
        }
        for (int c = 0; c < 8; c++) {
            if (sample[c] != value(2, c, i)) {
                fprintf(stderr, "sample %ld channel %d: %f, expected %f\n", i, c, sample[c], value(2, c, i));
                return 1;
            }
        }
        if (i > 0 && ts <= last) {
            fprintf(stderr, "timestamps out of order at %ld\n", i);
            return 1;
        }
        last = ts;
    }
    double correction = lsl_time_correction(in, 5.0, &ec);
    printf("received %ld samples, all exact; time correction %.6f s\n", n, correction);
    lsl_destroy_inlet(in);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 6 && strcmp(argv[1], "outlet") == 0) return outlet(argv[2], argv[3], atof(argv[4]), atol(argv[5]));
    if (argc >= 4 && strcmp(argv[1], "inlet") == 0) return inlet(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: lsl_harness outlet FORMAT SOURCE_ID SECONDS START | inlet SOURCE_ID N\n");
    return 2;
}
