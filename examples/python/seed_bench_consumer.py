#!/usr/bin/python3
"""Seed (original Python design) EEG consumer -- the baseline `eeg bench --baseline` runs.

Faithful to the original design:
  * redis.asyncio client, decode_responses=False
  * ONE pub/sub subscriber per user on channel  user:{id}:raw
  * each message is a msgpack dict
        {"type": "raw", "timestamp": <float s>, "channels": {"Ch0": v0, ...}}
  * list(channels.values()) is appended to a per-user buffer
  * every 100 samples: ml_model.predict(np.array(buffer)), publish a msgpack
    prediction dict to user:{id}:predictions (timestamp = last sample's
    timestamp), then clear the buffer.
  * predict() runs inline in the event loop (blocking), as in the original.

Additions for benchmarking only (they do not change the hot path):
  * --users N runs N per-user subscribers (N connections) in one asyncio loop.
  * counts messages / predictions / reconnects and prints ONE summary line at
    exit:  SUMMARY key=value ...
  * if Redis drops the subscriber (client-output-buffer-limit pubsub), the
    redis-py 4.x PubSub raises ConnectionError; we count it and resubscribe
    (like a supervisor restarting the task). Messages published meanwhile are
    lost -- that loss is what the benchmark measures.
  * exit: after --duration seconds, or after --idle-exit seconds without any
    message once traffic has started, or on SIGINT/SIGTERM.

Stand-in model: per-channel band power (numpy rFFT over the 100-sample
window) for theta 4-8 Hz, alpha 8-13 Hz, beta 13-30 Hz, mapped to three
numbers in [0, 1]. Cheap and deterministic.
"""
import argparse
import asyncio
import os
import signal
import sys
import time

import msgpack
import numpy as np
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

WINDOW = 100


class StandInModel:
    """Deterministic, cheap stand-in for the Azure ML model."""

    def __init__(self, fs=256.0, n=WINDOW):
        self.fs = float(fs)
        self.n = n
        self._cache_n = None
        self._masks = None

    def _bands(self, n):
        if self._cache_n != n:
            f = np.fft.rfftfreq(n, d=1.0 / self.fs)
            self._masks = (
                (f >= 4) & (f < 8),    # theta
                (f >= 8) & (f < 13),   # alpha
                (f >= 13) & (f < 30),  # beta
            )
            self._cache_n = n
        return self._masks

    def predict(self, x):
        # x: (n_samples, n_channels)
        x = np.asarray(x, dtype=np.float64)
        x = x - x.mean(axis=0)
        p = np.abs(np.fft.rfft(x, axis=0)) ** 2          # (n_freq, n_ch)
        th_m, al_m, be_m = self._bands(x.shape[0])
        theta = float(p[th_m].mean()) if th_m.any() else 0.0
        alpha = float(p[al_m].mean()) if al_m.any() else 0.0
        beta = float(p[be_m].mean()) if be_m.any() else 0.0
        tot = theta + alpha + beta + 1e-12
        workload = beta / (alpha + beta + 1e-12)        # beta/(alpha+beta)
        valence = alpha / tot                            # relative alpha
        arousal = (beta + theta) / tot                   # relative beta+theta
        clip = lambda v: min(1.0, max(0.0, v))
        return {"workload": clip(workload), "valence": clip(valence),
                "arousal": clip(arousal)}


class Stats:
    def __init__(self):
        self.messages = 0
        self.predictions = 0
        self.reconnects = 0
        self.bad = 0
        self.ingest_lag_ms = []
        self.cpu_first = None  # process CPU time at first message
        self.first_t = None   # wall time of first message
        self.last_t = None    # wall time of last message


async def user_consumer(r, user_id, model, stats, ready):
    """One subscriber per user -- the original design."""
    raw_channel = f"user:{user_id}:raw"
    pred_channel = f"user:{user_id}:predictions"
    buffer = []
    first = True
    while True:
        pubsub = r.pubsub()
        try:
            await pubsub.subscribe(raw_channel)
            if first:
                ready.append(user_id)
                first = False
            async for message in pubsub.listen():
                if message["type"] != "message":
                    continue
                # ---- hot path (original) ----
                data = msgpack.unpackb(message["data"])
                if data.get("type") != "raw":
                    stats.bad += 1
                    continue
                buffer.append(list(data["channels"].values()))
                # ---- bookkeeping (benchmark only) ----
                stats.messages += 1
                now = time.time()
                if stats.first_t is None:
                    stats.first_t = now
                    stats.cpu_first = time.process_time()
                stats.last_t = now
                # ---- hot path (original) ----
                if len(buffer) >= WINDOW:
                    # benchmark only: how stale the window's last sample is
                    # when the consumer gets to it (ingest lag)
                    stats.ingest_lag_ms.append((now - data["timestamp"]) * 1000.0)
                    pred = model.predict(np.array(buffer))
                    out = {
                        "type": "prediction",
                        "prediction_type": "workload",
                        "data": pred,
                        "confidence": 0.92,
                        "source": "azure_ml_v1",
                        "timestamp": data["timestamp"],
                    }
                    await r.publish(pred_channel, msgpack.packb(out))
                    stats.predictions += 1
                    buffer = []
        except asyncio.CancelledError:
            try:
                await pubsub.close()
            except Exception:
                pass
            raise
        except (RedisConnectionError, ConnectionResetError, OSError):
            # Redis closed us (e.g. pubsub output-buffer limit). Resubscribe.
            stats.reconnects += 1
            try:
                await pubsub.close()
            except Exception:
                pass
            await asyncio.sleep(0.05)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default=os.environ.get("REDIS_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("REDIS_PORT", "6379")))
    ap.add_argument("--users", type=int, default=1, help="N per-user subscribers (user ids 0..N-1)")
    ap.add_argument("--user-offset", type=int, default=0)
    ap.add_argument("--fs", type=float, default=256.0, help="sampling rate for the stand-in model")
    ap.add_argument("--duration", type=float, default=0, help="exit after this many s (0 = no limit)")
    ap.add_argument("--idle-exit", type=float, default=0,
                    help="exit after this many s without messages once traffic started (0 = off)")
    args = ap.parse_args()

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("refusing non-loopback Redis host")

    r = aioredis.Redis(host=args.host, port=args.port, decode_responses=False,
                       client_name="seed-consumer")
    model = StandInModel(fs=args.fs)
    stats = Stats()
    ready = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    t_start = time.time()
    cpu_start = time.process_time()
    tasks = [asyncio.create_task(user_consumer(r, args.user_offset + i, model, stats, ready))
             for i in range(args.users)]

    while len(ready) < args.users and not stop.is_set():
        await asyncio.sleep(0.01)
    print(f"READY users={args.users} pid={os.getpid()}", flush=True)

    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.2)
        except asyncio.TimeoutError:
            pass
        now = time.time()
        if args.duration and now - t_start >= args.duration:
            break
        if args.idle_exit and stats.last_t is not None and now - stats.last_t >= args.idle_exit:
            break

    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    try:
        await r.close()
    except Exception:
        pass

    cpu_end = time.process_time()
    cpu_total = cpu_end - cpu_start
    cpu_active = cpu_end - stats.cpu_first if stats.cpu_first is not None else 0.0
    if stats.first_t is not None and stats.last_t > stats.first_t:
        active = stats.last_t - stats.first_t
        rate = stats.messages / active
    else:
        active, rate = 0.0, 0.0
    # CPU% = CPU used from the first message to exit / (last msg - first msg)
    # (the idle tail before exit costs ~0 CPU): the CPU share while consuming.
    cpu_pct = 100.0 * cpu_active / active if active > 0 else 0.0
    lag = sorted(stats.ingest_lag_ms)
    q = lambda p: lag[min(len(lag) - 1, int(round((len(lag) - 1) * p)))] if lag else float("nan")
    print(f"SUMMARY users={args.users} messages={stats.messages} predictions={stats.predictions} "
          f"ingest_lag_p50_ms={q(0.50):.2f} ingest_lag_p99_ms={q(0.99):.2f} "
          f"reconnects={stats.reconnects} bad={stats.bad} active_s={active:.3f} "
          f"consumed_per_s={rate:.1f} cpu_s={cpu_total:.3f} cpu_active_s={cpu_active:.3f} "
          f"cpu_pct_active={cpu_pct:.1f} cpu_us_per_msg={1e6 * cpu_active / max(stats.messages, 1):.2f}",
          flush=True)


if __name__ == "__main__":
    asyncio.run(main())
