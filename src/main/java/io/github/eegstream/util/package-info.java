/** Small helpers shared by every package; they depend on nothing of ours and never on Flink. */
package io.github.eegstream.util;
