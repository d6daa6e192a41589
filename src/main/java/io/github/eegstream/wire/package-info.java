/**
 * The wire format: Redis channel names, user ids and the messages exchanged on them.
 *
 * <p>This package is the contract between relays, the prediction job and third-party consumers
 * (see {@code docs/wire-format.md}). It depends on nothing else in the project.
 */
package io.github.eegstream.wire;
