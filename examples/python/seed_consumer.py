#!/usr/bin/env python3
"""A colleague's consumer written from the original design's guide (redis-pubsub-guide.md):
subscribes to user:{id}:raw, buffers 100 samples, runs a model (here: alpha and theta power by
FFT, numpy), and publishes a prediction back on user:{id}:predictions with a source of its own.

    python3 seed_consumer.py --user jamie --windows 3

Needs redis-py, msgpack and numpy (Debian: python3-redis python3-msgpack python3-numpy).
"""
import argparse
import asyncio

import msgpack
import numpy as np
from redis.asyncio import Redis


async def close(redis):
    """redis-py >= 5 has aclose(); Debian 12's 4.3 only close()."""
    await (redis.aclose() if hasattr(redis, "aclose") else redis.close())


class BandRatioModel:
    """theta/alpha and beta/alpha power ratios of the window, squashed to [0, 1]."""

    def __init__(self, rate):
        self.rate = rate

    def predict(self, window):
        x = window - window.mean(axis=0)
        power = np.abs(np.fft.rfft(x, axis=0)) ** 2
        freqs = np.fft.rfftfreq(x.shape[0], 1.0 / self.rate)
        band = lambda lo, hi: power[(freqs >= lo) & (freqs < hi)].sum()
        theta, alpha, beta = band(4, 8), band(8, 13), band(13, 30)
        squash = lambda r: r / (1 + r)
        return [squash(theta / alpha), 0.5, squash(beta / alpha)]


async def consumer_with_predictions(user_id, url, ml_model, windows, ready_file):
    redis = Redis.from_url(url, decode_responses=False)

    # Subscribe to raw EEG
    pubsub = redis.pubsub()
    await pubsub.subscribe(f"user:{user_id}:raw")
    print(f"Subscribed to raw EEG for {user_id}", flush=True)
    if ready_file:
        open(ready_file, "w").close()

    buffer = []
    sent = 0
    async for message in pubsub.listen():
        if message["type"] == "message":
            data = msgpack.unpackb(message["data"])

            # Collect samples
            channels = data.get("channels", {})
            buffer.append(list(channels.values()))

            # Process every 100 samples
            if len(buffer) >= 100:
                prediction = ml_model.predict(np.array(buffer))
                prediction_data = {
                    "type": "prediction",
                    "prediction_type": "workload",
                    "data": {
                        "workload": float(prediction[0]),
                        "valence": float(prediction[1]),
                        "arousal": float(prediction[2]),
                    },
                    "confidence": 0.92,
                    "source": "python-seed-consumer",
                    "timestamp": data.get("timestamp"),
                }
                await redis.publish(f"user:{user_id}:predictions", msgpack.packb(prediction_data))
                print(f"Sent prediction: workload={prediction[0]:.2f}", flush=True)
                buffer = []
                sent += 1
                if windows and sent >= windows:
                    break

    await pubsub.unsubscribe()
    await close(redis)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--user", required=True)
    p.add_argument("--redis", default="redis://localhost:6379")
    p.add_argument("--rate", type=float, default=256.0)
    p.add_argument("--windows", type=int, default=0, help="exit after this many predictions")
    p.add_argument("--ready-file", help="touch this file once subscribed")
    a = p.parse_args()
    asyncio.run(consumer_with_predictions(a.user, a.redis, BandRatioModel(a.rate), a.windows, a.ready_file))


if __name__ == "__main__":
    main()
