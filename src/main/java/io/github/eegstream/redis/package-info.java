/** Connecting to Redis: where it is, and a local one when none answers. Used by every component. */
package io.github.eegstream.redis;
