package io.github.eegstream.recording;

import java.util.List;

/**
 * One stream of an XDF file, as its StreamHeader describes it (the XDF and LSL meta-data
 * conventions: {@code name}, {@code type}, {@code channel_count}, {@code nominal_srate},
 * {@code channel_format}, {@code source_id}, and for EEG a {@code desc/channels} list of
 * {@code label}, {@code unit} and {@code type} per channel).
 *
 * @param nominalRate samples per second, or 0 for an irregular stream (markers)
 * @param labels the channels' labels (empty: none described)
 * @param unit every channel's unit, e.g. {@code microvolts} (null: none)
 */
public record XdfStream(String name, String type, int channelCount, double nominalRate, Format format, String sourceId,
        List<String> labels, String unit) {

    /** How a stream's values are stored. */
    public enum Format {
        FLOAT32("float32"), DOUBLE64("double64"), STRING("string");

        private final String xdfName;

        Format(String xdfName) {
            this.xdfName = xdfName;
        }

        /** The name in a StreamHeader's {@code channel_format}. */
        public String xdfName() {
            return xdfName;
        }
    }

    public XdfStream {
        if (channelCount < 1) {
            throw new IllegalArgumentException("a stream needs at least one channel");
        }
        labels = List.copyOf(labels);
        if (!labels.isEmpty() && labels.size() != channelCount) {
            throw new IllegalArgumentException(labels.size() + " labels for " + channelCount + " channels");
        }
    }

    /** An EEG stream of a user: float32 samples, channels labelled, in microvolts. */
    public static XdfStream eeg(String userId, List<String> labels, double rate) {
        return new XdfStream(userId, "EEG", labels.size(), rate, Format.FLOAT32, "eegstream:" + userId + ":raw", labels,
                "microvolts");
    }

    /** A marker stream of JSON strings (predictions or alerts of a user). */
    public static XdfStream markers(String name, String type, String sourceId) {
        return new XdfStream(name, type, 1, 0, Format.STRING, sourceId, List.of(), null);
    }

    String headerXml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?><info>");
        element(x, "name", name);
        element(x, "type", type);
        element(x, "channel_count", Integer.toString(channelCount));
        element(x, "nominal_srate", nominalRate == Math.rint(nominalRate) ? Long.toString((long) nominalRate)
                : Double.toString(nominalRate));
        element(x, "channel_format", format.xdfName());
        element(x, "source_id", sourceId);
        x.append("<desc>");
        if (!labels.isEmpty()) {
            x.append("<channels>");
            for (String label : labels) {
                x.append("<channel>");
                element(x, "label", label);
                if (unit != null) {
                    element(x, "unit", unit);
                }
                element(x, "type", type);
                x.append("</channel>");
            }
            x.append("</channels>");
        }
        x.append("<acquisition><manufacturer>eegstream</manufacturer></acquisition>");
        x.append("</desc></info>");
        return x.toString();
    }

    private static void element(StringBuilder x, String name, String text) {
        x.append('<').append(name).append('>').append(escape(text == null ? "" : text)).append("</").append(name).append('>');
    }

    /** Characters XML 1.0 does not allow at all (one would make every reader refuse the whole file). */
    private static final java.util.regex.Pattern NOT_XML =
            java.util.regex.Pattern.compile("[^\\t\\n\\r\\x20-\\uD7FF\\uE000-\\uFFFD\\x{10000}-\\x{10FFFF}]");

    private static String escape(String text) {
        return NOT_XML.matcher(text).replaceAll("\uFFFD")
                .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
