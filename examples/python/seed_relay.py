#!/usr/bin/env python3
"""An edge relay written from the original design's guide (redis-pubsub-guide.md), with a
simulated device instead of pylsl: publishes one msgpack message per sample to user:{id}:raw and
prints every prediction that arrives on user:{id}:predictions.

    python3 seed_relay.py --user jamie --samples 300 --rate 256 --expect 3

With --json it prints each prediction received as one JSON line (what the tests read).
Needs redis-py and msgpack (Debian: python3-redis python3-msgpack).
"""
import argparse
import asyncio
import json
import math
import time

import msgpack
from redis.asyncio import Redis


async def close(redis):
    """redis-py >= 5 has aclose(); Debian 12's 4.3 only close()."""
    await (redis.aclose() if hasattr(redis, "aclose") else redis.close())


async def edge_relay_bidirectional(user_id, url, samples, rate, expect, timeout, as_json):
    redis = Redis.from_url(url, decode_responses=False)

    # Subscribe to predictions channel
    pubsub = redis.pubsub()
    await pubsub.subscribe(f"user:{user_id}:predictions")
    received = []

    # Task 1: Publish EEG samples (a simulated device: alpha and theta rhythms, in microvolts)
    async def publish_eeg():
        t0 = time.time()
        for i in range(samples):
            t = i / rate
            sample = [20 * math.sin(2 * math.pi * 10 * t + c) + 8 * math.sin(2 * math.pi * 6 * t + 2 * c)
                      for c in range(8)]
            data = {
                "type": "raw",
                "timestamp": t0 + i / rate,
                "channels": {f"Ch{i}": v for i, v in enumerate(sample)},
            }
            await redis.publish(f"user:{user_id}:raw", msgpack.packb(data))
            await asyncio.sleep(0)

    # Task 2: Receive predictions
    async def receive_predictions():
        async for message in pubsub.listen():
            if message["type"] == "message":
                prediction = msgpack.unpackb(message["data"])
                received.append(prediction)
                if as_json:
                    print(json.dumps(prediction), flush=True)
                else:
                    print("PREDICTION RECEIVED:")
                    print(f"  Type: {prediction.get('prediction_type')}")
                    print(f"  Data: {prediction.get('data')}")
                    print(f"  Confidence: {prediction.get('confidence', 0):.2%}", flush=True)
                if expect and len(received) >= expect:
                    return

    try:
        listener = asyncio.create_task(receive_predictions())
        await publish_eeg()
        await asyncio.wait_for(listener, timeout)
    except asyncio.TimeoutError:
        pass
    finally:
        await pubsub.unsubscribe()
        await close(redis)
    return received


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--user", required=True)
    p.add_argument("--redis", default="redis://localhost:6379")
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--rate", type=float, default=256.0)
    p.add_argument("--expect", type=int, default=0, help="exit after this many predictions")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    got = asyncio.run(edge_relay_bidirectional(a.user, a.redis, a.samples, a.rate, a.expect, a.timeout, a.json))
    raise SystemExit(0 if not a.expect or len(got) >= a.expect else 1)


if __name__ == "__main__":
    main()
