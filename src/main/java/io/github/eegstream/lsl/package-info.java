/**
 * A pure-Java Lab Streaming Layer client and outlet, wire-compatible with liblsl 1.17: discovery
 * over UDP, stream info, the protocol 1.10 stream feed (1.00 as a fallback), time correction.
 * No native library. The protocol is described in docs/lsl.md.
 */
package io.github.eegstream.lsl;
