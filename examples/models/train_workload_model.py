#!/usr/bin/env python3
"""Trains the example ONNX model: low vs high mental workload from four window features.

Simulates EEG as eegstream's simulator does (1/f background; frontal theta rises and posterior
alpha falls with workload), computes the features exactly as the job does (scipy.signal.welch,
Hann, 1 s segments, 50 % overlap, constant detrend; band powers as PSD-bin sums), fits a
scikit-learn StandardScaler + LogisticRegression, and writes it as an ONNX graph
(Sub, Div, MatMul, Add, Sigmoid) with the metadata the job reads:

    feature_names  rel_theta_mean,rel_alpha_mean,rel_beta_mean,workload   (see docs/design.md)
    output_names   high_workload

It also writes the test fixture src/test/resources/reference/onnx-reference.json: inputs and
scikit-learn's predict_proba, which the Java test reproduces through ONNX Runtime.

    /usr/bin/python3 examples/models/train_workload_model.py
    # Debian: python3-numpy python3-scipy python3-sklearn python3-onnx
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from scipy import signal
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FS = 256.0
CHANNELS = ["Fp1", "Fp2", "F3", "F4", "C3", "C4", "P3", "P4"]
FRONTALITY = [1.0, 1.0, 0.85, 0.85, 0.5, 0.5, 0.15, 0.15]
BANDS = {"delta": (1, 4), "theta": (4, 8), "alpha": (8, 13), "beta": (13, 30), "gamma": (30, 45)}
FEATURES = ["rel_theta_mean", "rel_alpha_mean", "rel_beta_mean", "workload"]
HERE = os.path.dirname(os.path.abspath(__file__))


def simulate(workload, seconds, rng):
    n = int(seconds * FS)
    t = np.arange(n) / FS
    x = np.empty((n, len(CHANNELS)))
    env = 1 + 0.2 * rng.standard_normal(3)
    for c, f in enumerate(FRONTALITY):
        white = np.fft.rfft(rng.standard_normal(n))
        k = np.arange(len(white))
        k[0] = 1
        pink = np.fft.irfft(white / np.sqrt(k), n) * np.sqrt(n) * 0.3 * 6
        theta = (3 + 9 * workload) * (0.5 + f) * env[0]
        alpha = (14 - 10 * workload) * (1.5 - f) * env[1]
        beta = (2.5 + 2.5 * workload) * env[2]
        phase = rng.uniform(0, 2 * np.pi)
        x[:, c] = (pink + theta * np.sin(2 * np.pi * 6 * t + phase) + alpha * np.sin(2 * np.pi * 10 * t + phase)
                   + beta * np.sin(2 * np.pi * 20 * t + 2 * phase))
    return x


def features(window):
    freqs, psd = signal.welch(window, fs=FS, window="hann", nperseg=int(FS), noverlap=int(FS) // 2,
                              detrend="constant", scaling="density", axis=0)
    df = FS / int(FS)
    absolute = {b: psd[(freqs >= lo) & (freqs < hi)].sum(axis=0) * df for b, (lo, hi) in BANDS.items()}
    total = sum(absolute.values())
    rel = {b: (absolute[b] / total).mean() for b in BANDS}
    frontal = [i for i, ch in enumerate(CHANNELS) if ch.startswith("F")]
    posterior = [i for i, ch in enumerate(CHANNELS) if ch.startswith(("P", "O"))]
    workload = absolute["theta"][frontal].mean() / absolute["alpha"][posterior].mean()
    return [rel["theta"], rel["alpha"], rel["beta"], workload]


def dataset(rng, per_class):
    xs, ys = [], []
    for label, (lo, hi) in enumerate([(0.0, 0.35), (0.65, 1.0)]):
        for _ in range(per_class):
            xs.append(features(simulate(rng.uniform(lo, hi), 2.0, rng)))
            ys.append(label)
    return np.array(xs), np.array(ys)


def to_onnx(model):
    scaler, logreg = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    n = len(FEATURES)
    init = [
        numpy_helper.from_array(scaler.mean_.astype(np.float32).reshape(1, n), "mean"),
        numpy_helper.from_array(scaler.scale_.astype(np.float32).reshape(1, n), "scale"),
        numpy_helper.from_array(logreg.coef_.astype(np.float32).reshape(n, 1), "coef"),
        numpy_helper.from_array(logreg.intercept_.astype(np.float32).reshape(1, 1), "intercept"),
    ]
    nodes = [
        helper.make_node("Sub", ["features", "mean"], ["centered"]),
        helper.make_node("Div", ["centered", "scale"], ["scaled"]),
        helper.make_node("MatMul", ["scaled", "coef"], ["logit_raw"]),
        helper.make_node("Add", ["logit_raw", "intercept"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["high_workload"]),
    ]
    graph = helper.make_graph(nodes, "workload_logreg",
                              [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, n])],
                              [helper.make_tensor_value_info("high_workload", TensorProto.FLOAT, [1, 1])], init)
    m = helper.make_model(graph, producer_name="eegstream examples/models/train_workload_model.py",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.model_version = 1
    helper.set_model_props(m, {"feature_names": ",".join(FEATURES), "output_names": "high_workload"})
    onnx.checker.check_model(m)
    return m


def main():
    rng = np.random.default_rng(7)
    x, y = dataset(rng, 300)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    x_test, y_test = dataset(np.random.default_rng(8), 100)
    accuracy = model.score(x_test, y_test)
    onnx.save(to_onnx(model), os.path.join(HERE, "workload-logreg.onnx"))
    probe = x_test[::10]
    fixture = {"model": "examples/models/workload-logreg.onnx", "feature_names": FEATURES,
               "inputs": probe.tolist(), "high_workload": model.predict_proba(probe)[:, 1].tolist()}
    out = os.path.join(HERE, "..", "..", "src", "test", "resources", "reference", "onnx-reference.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"held-out accuracy {accuracy:.3f}; wrote workload-logreg.onnx and {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
