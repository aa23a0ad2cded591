#!/usr/bin/python3
"""Writes the reference values the analyzer's numerical tests compare against.

Run with Debian's Python and scikit-learn (apt-get install python3-sklearn):
    /usr/bin/python3 analyzer/tools/make_fixtures.py
It rewrites analyzer/src/test/resources/fixtures/nmf.txt, gini.txt and auroc.txt ('... make_fixtures.py
auroc' only the last): '#' lines describe how they were made; each other line is a keyword followed
by space-separated values.

NMF: scikit-learn's NMF with the coordinate-descent solver (the same HALS updates as Rote's),
Frobenius loss, tol=1e-8, max_iter=5000, so its errors are close to converged. NMF is non-convex:
besides the errors from init='nndsvda' the fixture records the lowest and highest error over
init='nndsvda', 'nndsvd' and 'random' with random_state 0..7 (how far apart local optima lie), and
the truncated-SVD error sqrt(1 - sum_{i<=k} s_i^2 / ||A||_F^2) from numpy, a lower bound on any
rank-k factorization (Eckart-Young) and, by Perron-Frobenius, the rank-1 NMF optimum itself.
Gini: the O(n^2) pairwise definition sum_ij |x_i - x_j| / (2 n^2 mean x), in numpy.
AUROC: sklearn.metrics.roc_auc_score on scores with ties; precision at k: the share of positives
among the k highest scores, ties at the cut taken in index order (numpy stable argsort).
"""
import sys
import os
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import NMF

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures")
RANKS = {"dense_12x20": [1, 2, 4, 8], "rank2_16x30": [1, 2, 4, 8], "relu_40x64": [1, 2, 4, 8, 16],
         "relu_9x13": [1, 2, 3, 5, 7]}
INITS = [("nndsvda", 0), ("nndsvd", 0)] + [("random", seed) for seed in range(8)]


def relu_like(rng, m, n, density):
    a = rng.random((m, n)) * (rng.random((m, n)) < density)
    return a.astype(np.float32)


def matrices():
    rng = np.random.default_rng(20261122)
    dense = rng.random((12, 20)).astype(np.float32)
    w = rng.random((16, 2))
    h = rng.random((2, 30))
    exact2 = (w @ h).astype(np.float32)
    sparse = relu_like(rng, 40, 64, 0.5)
    # Odd sizes and ranks reach the remainder paths of the Java kernels; own generator, so the
    # matrices above stay what they were.
    odd = relu_like(np.random.default_rng(20261123), 9, 13, 0.6)
    return {"dense_12x20": dense, "rank2_16x30": exact2, "relu_40x64": sparse, "relu_9x13": odd}


def nmf_error(a, k, init="nndsvda", seed=0):
    model = NMF(n_components=k, init=init, solver="cd", beta_loss="frobenius",
                tol=1e-8, max_iter=5000, random_state=seed)
    a = a.astype(np.float64)  # so that the norms below are taken in double as well
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on the exact rank-2 case
        w = model.fit_transform(a)
    h = model.components_
    return float(np.linalg.norm(a - w @ h) / np.linalg.norm(a))


def svd_error(a, k):
    s = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    return float(np.sqrt(max(0.0, 1.0 - np.sum(s[:k] ** 2) / np.sum(s ** 2))))


def gini(x):
    x = np.asarray(x, dtype=np.float64)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "nmf.txt"), "w") as f:
        f.write("# produced by analyzer/tools/make_fixtures.py with scikit-learn %s\n" % sklearn.__version__)
        f.write("# errors: ||A - WH||_F / ||A||_F of sklearn.decomposition.NMF(solver='cd', init='nndsvda',"
                " beta_loss='frobenius', tol=1e-8, max_iter=5000) at each rank\n")
        f.write("# lowest, highest: the extremes of that error over init in %s\n"
                % ", ".join("%s/random_state=%d" % i for i in INITS))
        f.write("# svd: sqrt(1 - sum_{i<=k} s_i^2 / ||A||_F^2) from numpy.linalg.svd in float64\n")
        f.write("# data: A row-major, float32 values\n")
        for name, a in matrices().items():
            m, n = a.shape
            ranks = RANKS[name]
            spread = [[nmf_error(a, k, init, seed) for init, seed in INITS] for k in ranks]
            f.write("case %s %d %d\n" % (name, m, n))
            f.write("ranks %s\n" % " ".join(str(k) for k in ranks))
            f.write("errors %s\n" % " ".join(repr(nmf_error(a, k)) for k in ranks))
            f.write("lowest %s\n" % " ".join(repr(min(e)) for e in spread))
            f.write("highest %s\n" % " ".join(repr(max(e)) for e in spread))
            f.write("svd %s\n" % " ".join(repr(svd_error(a, k)) for k in ranks))
            f.write("data %s\n" % " ".join(repr(float(v)) for v in a.ravel()))
    rng = np.random.default_rng(7)
    samples = [[1, 1, 1, 1], [0, 0, 0, 1], [2, 2, 3, 4],
               [float(v) for v in rng.exponential(1.0, 50)],
               [float(v) for v in rng.random(200) ** 3]]
    with open(os.path.join(OUT, "gini.txt"), "w") as f:
        f.write("# produced by analyzer/tools/make_fixtures.py: numpy pairwise sum |x_i - x_j| / (2 n^2 mean x)\n")
        for values in samples:
            f.write("values %s\n" % " ".join(repr(float(v)) for v in values))
            f.write("gini %r\n" % gini(values))


def auroc():
    from sklearn.metrics import roc_auc_score
    rng = np.random.default_rng(13)
    cases = []
    for n, levels in [(10, 0), (200, 0), (300, 7), (1000, 25)]:
        positive = rng.random(n) < 0.3
        scores = rng.normal(size=n) + 1.2 * positive
        if levels:
            scores = np.round(scores * levels / 4) / levels  # many ties
        cases.append((scores, positive))
    with open(os.path.join(OUT, "auroc.txt"), "w") as f:
        f.write("# produced by analyzer/tools/make_fixtures.py with scikit-learn %s: roc_auc_score; precision at"
                " k = mean(positive[order[:k]]) with order = argsort(-score, kind='stable')\n" % sklearn.__version__)
        for scores, positive in cases:
            order = np.argsort(-scores, kind="stable")
            ks = [1, len(scores) // 3, int(positive.sum()), len(scores)]
            f.write("scores %s\n" % " ".join(repr(float(v)) for v in scores))
            f.write("positive %s\n" % " ".join("1" if p else "0" for p in positive))
            f.write("auroc %r\n" % float(roc_auc_score(positive, scores)))
            f.write("k %s\n" % " ".join(str(k) for k in ks))
            f.write("precision %s\n" % " ".join(repr(float(positive[order[:k]].mean())) for k in ks))


if __name__ == "__main__":
    if sys.argv[1:] != ["auroc"]:
        main()
    auroc()
