#!/usr/bin/env python3
"""A colleague's model on top of the job's features: subscribes to user:{id}:features, turns each
window's relative alpha power (over the channels whose signal is good) into a relaxation score,
and publishes it back on user:{id}:predictions with a source of its own. The relay and the
dashboard show it beside the job's predictions.

    python3 features_model.py --user jamie

Needs redis-py, msgpack and numpy (Debian: python3-redis python3-msgpack python3-numpy).
"""
import argparse
import time

import msgpack
import numpy as np
import redis

SOURCE = "colleague:alpha-relaxation"


def relaxation(features):
    """Mean relative alpha over channels of usable quality, mapped so 0.5 is a typical 30 %."""
    quality = np.asarray(features["quality"], dtype=float)
    alpha = np.asarray(features["relative_power"]["alpha"], dtype=float)
    good = quality >= 0.5
    if not good.any():
        return None, 0.0
    share = float(alpha[good].mean())
    return share / (share + 0.3), float(quality[good].mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True, help="the user whose features to read")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis URL")
    parser.add_argument("--count", type=int, default=0, help="stop after this many predictions (0: run on)")
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis)
    pubsub = client.pubsub()
    pubsub.subscribe(f"user:{args.user}:features")
    print(f"{SOURCE}: reading user:{args.user}:features", flush=True)
    sent = 0
    for message in pubsub.listen():
        if message["type"] != "message":
            continue
        try:
            features = msgpack.unpackb(message["data"])
            score, confidence = relaxation(features)
        except (ValueError, KeyError, TypeError) as e:  # a bad message is skipped, as everywhere
            print(f"{SOURCE}: skipped a bad features message ({e})", flush=True)
            continue
        if score is None:
            continue
        prediction = {
            "type": "prediction",
            "prediction_type": "relaxation",
            "data": {"relaxation": round(score, 4)},
            "confidence": round(confidence, 3),
            "source": SOURCE,
            "timestamp": features.get("timestamp", time.time()),
        }
        client.publish(f"user:{args.user}:predictions", msgpack.packb(prediction))
        sent += 1
        print(f"{SOURCE}: relaxation {score:.3f} for window ending {prediction['timestamp']:.3f}", flush=True)
        if args.count and sent >= args.count:
            break


if __name__ == "__main__":
    main()
