#!/usr/bin/env python3
"""Reference vectors for the Java signal processing, computed with SciPy.

Writes src/test/resources/reference/dsp-reference.json: for each test signal, the Welch PSD
(scipy.signal.welch, Hann window, constant detrend, density scaling, mean average), band powers
(sum of the PSD bins in [low, high) times the bin width) and the output of
scipy.signal.filtfilt(*scipy.signal.iirnotch(f0, Q, fs), x).

    /usr/bin/python3 src/test/python/make_dsp_reference.py   # Debian: python3-scipy python3-numpy
"""
import json
import os

import numpy as np
import scipy
from scipy import signal

BANDS = {"delta": [1, 4], "theta": [4, 8], "alpha": [8, 13], "beta": [13, 30], "gamma": [30, 45]}


def pink(n, rng):
    """1/f noise by spectral shaping of white noise."""
    white = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(white))
    f[0] = 1
    return np.fft.irfft(white / np.sqrt(f), n) * np.sqrt(n) * 0.3


def signals():
    rng = np.random.default_rng(20261126)
    out = []
    for fs, n, nperseg, overlap in [(256.0, 512, 256, 128), (250.0, 1000, 250, 125), (128.0, 384, 128, 64),
                                     (500.0, 1000, 500, 250), (256.0, 512, 100, 50), (256.0, 300, 127, 63)]:
        t = np.arange(n) / fs
        out.append((f"tone10_{fs:g}Hz_{nperseg}", fs, nperseg, overlap, 10 * np.sin(2 * np.pi * 10 * t)))
        out.append((f"tone6_with_offset_{fs:g}Hz_{nperseg}", fs, nperseg, overlap,
                    4 * np.sin(2 * np.pi * 6 * t + 0.3) + 25.0))
        out.append((f"mixture_{fs:g}Hz_{nperseg}", fs, nperseg, overlap,
                    12 * np.sin(2 * np.pi * 10 * t) + 6 * np.sin(2 * np.pi * 6.5 * t)
                    + 3 * np.sin(2 * np.pi * 21 * t) + 2 * np.sin(2 * np.pi * 2.2 * t) + np.sin(2 * np.pi * 38 * t)))
        out.append((f"white_{fs:g}Hz_{nperseg}", fs, nperseg, overlap, 5 * rng.standard_normal(n)))
        eeg = (pink(n, rng) * 6 + 10 * np.sin(2 * np.pi * 10 * t + rng.uniform(0, 6.28))
               * (1 + 0.3 * np.sin(2 * np.pi * 0.5 * t)) + 5 * np.sin(2 * np.pi * 6 * t)
               + 3 * np.sin(2 * np.pi * 20 * t) + 8 * np.sin(2 * np.pi * 50 * t) + 0.02 * np.arange(n))
        out.append((f"eeg_like_{fs:g}Hz_{nperseg}", fs, nperseg, overlap, eeg))
    return out


def main():
    vectors = []
    for name, fs, nperseg, overlap, x in signals():
        freqs, psd = signal.welch(x, fs=fs, window="hann", nperseg=nperseg, noverlap=overlap,
                                  detrend="constant", scaling="density", average="mean")
        df = fs / nperseg
        powers = {b: float(psd[(freqs >= lo) & (freqs < hi)].sum() * df) for b, (lo, hi) in BANDS.items()}
        line = 50.0 if fs > 120 else None
        entry = {"name": name, "rate": fs, "segment": nperseg, "overlap": overlap,
                 "x": x.tolist(), "psd": psd.tolist(), "band_powers": powers}
        if line:
            b, a = signal.iirnotch(line, 30.0, fs)
            entry["notch"] = {"frequency": line, "quality": 30.0, "y": signal.filtfilt(b, a, x).tolist()}
        vectors.append(entry)
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "dsp-reference.json")
    with open(out, "w") as f:
        json.dump({"scipy": scipy.__version__, "numpy": np.__version__, "bands": BANDS, "vectors": vectors}, f)
    print(f"wrote {len(vectors)} vectors with scipy {scipy.__version__} to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
