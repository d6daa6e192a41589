/**
 * Recording: subscribes to users' channels and writes each user's samples, with their
 * predictions, alerts and features as annotations, to a BDF+ file (the format is in
 * {@link io.github.eegstream.recording}).
 */
package io.github.eegstream.record;
