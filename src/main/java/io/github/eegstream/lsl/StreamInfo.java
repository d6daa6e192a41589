package io.github.eegstream.lsl;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What an outlet says about its stream: the {@code <info>} XML of a discovery reply (shortinfo)
 * or of {@code LSL:fullinfo} (which adds channel labels and units from {@code <desc>}).
 *
 * @param address where the reply came from: the outlet's host (the XML's address fields are empty)
 * @param version the protocol version times 100, e.g. 110
 * @param labels channel labels from {@code desc/channels/channel/label}; empty in shortinfo
 * @param units channel units, parallel to {@code labels}
 */
public record StreamInfo(
        String name, String type, int channelCount, ChannelFormat format, String sourceId, double nominalRate,
        int version, double createdAt, String uid, String sessionId, String hostname, InetAddress address,
        int v4DataPort, int v4ServicePort, int v6DataPort, int v6ServicePort, List<String> labels, List<String> units) {

    public StreamInfo {
        labels = List.copyOf(labels);
        units = List.copyOf(units);
    }

    /** Channel names: the labels if the stream has one per channel, else {@code Ch0, Ch1, ...}. */
    public String[] channelNames() {
        String[] names = new String[channelCount];
        for (int c = 0; c < channelCount; c++) {
            String label = c < labels.size() ? labels.get(c) : "";
            names[c] = labels.size() == channelCount && !label.isBlank() ? label : "Ch" + c;
        }
        return names;
    }

    /** The data port to connect to: IPv4 when this host has one, else IPv6 (as liblsl chooses). */
    public int dataPort() {
        return address != null && address.getAddress().length == 16 && v6DataPort > 0 ? v6DataPort
                : v4DataPort > 0 ? v4DataPort : v6DataPort;
    }

    /** The UDP service port (time correction), chosen like {@link #dataPort()}. */
    public int servicePort() {
        return address != null && address.getAddress().length == 16 && v6ServicePort > 0 ? v6ServicePort
                : v4ServicePort > 0 ? v4ServicePort : v6ServicePort;
    }

    public StreamInfo withAddress(InetAddress from) {
        return new StreamInfo(name, type, channelCount, format, sourceId, nominalRate, version, createdAt, uid, sessionId,
                hostname, from, v4DataPort, v4ServicePort, v6DataPort, v6ServicePort, labels, units);
    }

    public StreamInfo withLabels(List<String> labels, List<String> units) {
        return new StreamInfo(name, type, channelCount, format, sourceId, nominalRate, version, createdAt, uid, sessionId,
                hostname, address, v4DataPort, v4ServicePort, v6DataPort, v6ServicePort, labels, units);
    }

    /**
     * Parses an {@code <info>} document.
     *
     * @param from the address the document came from
     * @throws IllegalArgumentException if it is not a stream info
     */
    public static StreamInfo parse(String xml, InetAddress from) {
        Document doc = document(xml);
        Element info = doc.getDocumentElement();
        if (!"info".equals(info.getTagName())) {
            throw new IllegalArgumentException("not an LSL stream info: root element <" + info.getTagName() + ">");
        }
        List<String> labels = new ArrayList<>();
        List<String> units = new ArrayList<>();
        NodeList channels = doc.getElementsByTagName("channel");
        for (int i = 0; i < channels.getLength(); i++) {
            Element ch = (Element) channels.item(i);
            if (ch.getParentNode() instanceof Element p && "channels".equals(p.getTagName())) {
                labels.add(text(ch, "label"));
                units.add(text(ch, "unit"));
            }
        }
        return new StreamInfo(
                text(info, "name"), text(info, "type"), integer(info, "channel_count"),
                ChannelFormat.parse(text(info, "channel_format")), text(info, "source_id"),
                number(info, "nominal_srate"), (int) Math.round(number(info, "version") * 100), number(info, "created_at"),
                text(info, "uid"), text(info, "session_id"), text(info, "hostname"), from,
                integer(info, "v4data_port"), integer(info, "v4service_port"),
                integer(info, "v6data_port"), integer(info, "v6service_port"), labels, units);
    }

    /**
     * Whether this stream matches an LSL query: an XPath 1.0 predicate on {@code <info>}, such as
     * {@code type='EEG'} or {@code name='SimEEG' and channel_count>4}. An empty query matches all.
     * An invalid one matches nothing, as in liblsl.
     */
    public boolean matches(String query) {
        if (query == null || query.isBlank()) {
            return true;
        }
        try {
            Document doc = document(toXml(false));
            NodeList hits = (NodeList) XPathFactory.newInstance().newXPath()
                    .evaluate("/info[" + query + "]", doc, XPathConstants.NODESET);
            return hits.getLength() > 0;
        } catch (XPathExpressionException e) {
            return false;
        }
    }

    /** The {@code <info>} XML as liblsl writes it; with {@code full}, channels in {@code <desc>}. */
    public String toXml(boolean full) {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element info = doc.createElement("info");
            doc.appendChild(info);
            add(doc, info, "name", name);
            add(doc, info, "type", type);
            add(doc, info, "channel_count", Integer.toString(channelCount));
            add(doc, info, "channel_format", format.xmlName());
            add(doc, info, "source_id", sourceId);
            add(doc, info, "nominal_srate", String.format(Locale.ROOT, "%.13f", nominalRate));
            add(doc, info, "version", String.format(Locale.ROOT, "%.15f", version / 100.0));
            add(doc, info, "created_at", String.format(Locale.ROOT, "%.15g", createdAt));
            add(doc, info, "uid", uid);
            add(doc, info, "session_id", sessionId);
            add(doc, info, "hostname", hostname);
            add(doc, info, "v4address", "");
            add(doc, info, "v4data_port", Integer.toString(v4DataPort));
            add(doc, info, "v4service_port", Integer.toString(v4ServicePort));
            add(doc, info, "v6address", "");
            add(doc, info, "v6data_port", Integer.toString(v6DataPort));
            add(doc, info, "v6service_port", Integer.toString(v6ServicePort));
            Element desc = doc.createElement("desc");
            info.appendChild(desc);
            if (full && !labels.isEmpty()) {
                Element channels = doc.createElement("channels");
                desc.appendChild(channels);
                for (int c = 0; c < labels.size(); c++) {
                    Element ch = doc.createElement("channel");
                    channels.appendChild(ch);
                    add(doc, ch, "label", labels.get(c));
                    add(doc, ch, "unit", c < units.size() ? units.get(c) : "");
                    add(doc, ch, "type", type);
                }
            }
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return "<?xml version=\"1.0\"?>\n" + out.toString().replace("\r\n", "\n");
        } catch (Exception e) {
            throw new IllegalStateException("cannot write stream info", e);
        }
    }

    private static void add(Document doc, Element parent, String tag, String value) {
        Element e = doc.createElement(tag);
        e.setTextContent(value == null ? "" : value);
        parent.appendChild(e);
    }

    private static Document document(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // untrusted input: no XXE
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.trim().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalArgumentException("not an LSL stream info: " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private static int integer(Element parent, String tag) {
        String t = text(parent, tag);
        try {
            return t.isEmpty() ? 0 : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stream info <" + tag + "> is not an integer: '" + t + "'");
        }
    }

    private static double number(Element parent, String tag) {
        String t = text(parent, tag);
        try {
            return t.isEmpty() ? 0 : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stream info <" + tag + "> is not a number: '" + t + "'");
        }
    }
}
