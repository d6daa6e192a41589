#!/usr/bin/env python3
"""The original design's Use Case 2 (batch processing of features): subscribes to
user:{id}:features, which `eeg relay --features` publishes at the edge with no streaming job,
collects them, and every 5 seconds publishes one prediction for the batch on
user:{id}:predictions: the mean relative alpha power over channels of good quality, as a
relaxation score. The relay shows it on its screen.

    python3 batch_features_consumer.py --user jamie [--every 5]

Needs redis-py and msgpack (Debian: python3-redis python3-msgpack).
"""
import argparse
import time

import msgpack
import redis

SOURCE = "batch:alpha-relaxation"


def window_score(features):
    """Relative alpha over the channels whose quality is usable, or None if none is."""
    quality = features["quality"]
    alpha = features["relative_power"]["alpha"]
    good = [a for a, q in zip(alpha, quality) if q >= 0.5]
    return sum(good) / len(good) if good else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True, help="the user whose features to read")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis URL")
    parser.add_argument("--every", type=float, default=5.0, help="seconds per batch")
    parser.add_argument("--count", type=int, default=0, help="stop after this many predictions (0: run on)")
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis)
    pubsub = client.pubsub()
    pubsub.subscribe(f"user:{args.user}:features")
    print(f"{SOURCE}: reading user:{args.user}:features, a prediction every {args.every:g} s", flush=True)
    batch, last_timestamp, sent = [], None, 0
    due = time.monotonic() + args.every
    while not args.count or sent < args.count:
        message = pubsub.get_message(timeout=max(0.0, due - time.monotonic()))
        if message and message["type"] == "message":
            try:
                features = msgpack.unpackb(message["data"])
                score = window_score(features)
                last_timestamp = features.get("timestamp", time.time())
            except (ValueError, KeyError, TypeError) as e:  # a bad message is skipped
                print(f"{SOURCE}: skipped a bad features message ({e})", flush=True)
                continue
            if score is not None:
                batch.append(score)
        if time.monotonic() < due:
            continue
        due += args.every
        if not batch:
            continue
        share = sum(batch) / len(batch)
        prediction = {
            "type": "prediction",
            "prediction_type": "relaxation",
            "data": {"relaxation": round(share / (share + 0.3), 4)},
            "confidence": round(min(1.0, len(batch) / (2 * args.every)), 3),
            "source": SOURCE,
            "timestamp": last_timestamp,
            "sample_count": len(batch),
        }
        client.publish(f"user:{args.user}:predictions", msgpack.packb(prediction))
        sent += 1
        print(f"{SOURCE}: relaxation {prediction['data']['relaxation']:.3f} from {len(batch)} windows", flush=True)
        batch = []


if __name__ == "__main__":
    main()
