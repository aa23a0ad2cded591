"""Offline evaluation of candidate epoch-level memorization detectors on recorded runs."""
import glob, json, sys, os
import numpy as np

def load(path):
    z = np.load(path, allow_pickle=False)
    meta = json.loads(str(z['meta']))
    pred = z['pred'].astype(np.int16)
    E, n = pred.shape
    yn = z['yn']
    y = z['y']
    test = z['test']
    spe = int(z['spe'])
    # epoch-end test accuracy: entries whose step is a multiple of steps-per-epoch
    ep_acc = np.array([a for s, a in test if int(s) % spe == 0])
    return dict(name=os.path.basename(path)[:-4], meta=meta, pred=pred, loss=z['loss'].astype(np.float32),
                margin=z['margin'].astype(np.float32), yn=yn, y=y, acc=ep_acc, E=E, n=n, spe=spe,
                noisy=(yn != y), avg_acc=(z['avg_acc'] if 'avg_acc' in z.files else None))

def signals(r):
    pred, yn, n, E = r['pred'], r['yn'], r['n'], r['E']
    s = {}
    ok = pred == yn[None, :]
    s['A'] = ok.mean(1)
    pc = np.full(E, np.nan)
    pc[1:] = (pred[1:] != pred[:-1]).mean(1)
    s['PC'] = pc
    L = np.full(E, np.nan); Fg = np.full(E, np.nan)
    L[1:] = (~ok[:-1] & ok[1:]).mean(1)
    Fg[1:] = (ok[:-1] & ~ok[1:]).mean(1)
    s['L'] = L; s['F'] = Fg
    # first-learned events
    ever = np.zeros(n, bool)
    fl = np.zeros(E)
    for e in range(E):
        new = ok[e] & ~ever
        fl[e] = new.mean()
        ever |= ok[e]
    s['FL'] = fl
    s['loss'] = r['loss'].mean(1)
    s['mem'] = (ok & r['noisy'][None, :]).sum(1) / max(1, r['noisy'].sum())
    return s

def ma(x, k):
    out = np.full_like(x, np.nan)
    for i in range(len(x)):
        w = x[max(0, i - k + 1):i + 1]
        w = w[~np.isnan(w)]
        if len(w) == k:
            out[i] = w.mean()
    return out

def outcome(r, stop, restore):
    acc = r['acc']
    best = acc.max()
    if stop is None:
        kept = acc[-1]
    else:
        kept = acc[restore]
    return kept / best, stop, restore

def fmt(v):
    return '-' if v is None else str(v)

def label_wave(r, s, w=3, P=3, z=3.0, rel=0.0, center=True, start=2):
    """Epoch-level label wave: MA_w of PC; min tracking; fire after P epochs without new min and a
    rebound above min by z binomial SEs (of the smoothed value) and rel*min. Returns (stop, restore)."""
    pc = s['PC']; n = r['n']; E = len(pc)
    sm = ma(pc, w)
    best = np.inf; best_e = None
    for e in range(E):
        v = sm[e]
        if np.isnan(v) or e < start:
            continue
        if v < best:
            best, best_e = v, e
            continue
        se = np.sqrt(best * (1 - best) / (n * w))
        if e - best_e >= P and v - best > max(z * se, rel * best):
            rest = best_e - (w // 2 if center else 0)
            return e, max(0, rest)
    return None, None

def evaluate_all(runs, det, avg=False, **kw):
    rows = []
    for r in runs:
        s = r['_s']
        stop, rest = det(r, s, **kw)
        acc = r['acc']; best = acc.max()
        if stop is None:
            kept = acc[-1]
        elif avg and 'avg_acc' in r and r['avg_acc'] is not None and rest + 1 < len(acc):
            kept = r['avg_acc'][min(len(acc) - 1, rest + 1)][0]
            if np.isnan(kept):
                kept = acc[rest]
        else:
            kept = acc[rest]
        rows.append((r['name'], stop, rest, kept / best))
    return rows

def label_wave2(r, s, w=3, P=3, z=3.0, noise='binom', start=2, restore='min', sig='PC'):
    """Variant: noise scale 'binom' (binomial SE of the smoothed value) or 'emp' (robust successive
    differences of the raw series over the epochs so far, /sqrt(w))."""
    pc = s[sig]; n = r['n']; E = len(pc)
    sm = ma(pc, w)
    best = np.inf; best_e = None
    for e in range(E):
        v = sm[e]
        if np.isnan(v) or e < start:
            continue
        if v < best:
            best, best_e = v, e
            continue
        if noise == 'binom':
            se = np.sqrt(best * (1 - best) / (n * w))
        else:
            x = pc[1:e + 1]; x = x[~np.isnan(x)]
            d = np.abs(np.diff(x))
            se = 1.4826 * np.median(d) / np.sqrt(2) / np.sqrt(w) if len(d) >= 3 else np.inf
        if e - best_e >= P and v - best > z * se:
            rest = best_e - (w // 2)
            return e, max(0, rest)
    return None, None

def lw3(r, s, w=3, P=3, imp=0.0, reb=0.0, start=2, sig='PC', avgk=0):
    """Keras-like patience on MA_w of a per-epoch rate, minimum mode. A new best needs to beat the best
    by imp binomial SEs (of the smoothed value); fire when P epochs passed since the best and the value is
    more than reb SEs above it. Restore: middle epoch of the best window."""
    x = s[sig]; n = r['n']; E = len(x)
    sm = ma(x, w)
    best = np.inf; best_e = None
    for e in range(E):
        v = sm[e]
        if np.isnan(v) or e < start:
            continue
        se = np.sqrt(max(v, 1e-4) * (1 - min(v, 0.9999)) / (n * w))
        if best_e is None or v < best - imp * se:
            best, best_e = v, e
            continue
        if e - best_e >= P and v - best > reb * se:
            return e, max(0, best_e - (w - 1) // 2)
    return None, None

def hazard(s, k=3):
    A = s['A']; E = len(A); h = np.full(E, np.nan)
    for e in range(k, E):
        h[e] = (A[e] - A[e - k]) / (k * max(1e-6, 1 - A[e - k]))
    return h

def lw4(r, s, w=1, P=2, imp=0.0, reb=4.0, start=2, hk=3, hmax=0.03, sig='PC'):
    """Label wave with a learning-plateau condition: fire only while the hazard of fitting the remaining
    disagreement (over hk epochs) is below hmax per epoch."""
    x = s[sig]; n = r['n']; E = len(x)
    sm = ma(x, w); h = hazard(s, hk)
    best = np.inf; best_e = None
    for e in range(E):
        v = sm[e]
        if np.isnan(v) or e < start:
            continue
        se = np.sqrt(max(v, 1e-4) * (1 - min(v, 0.9999)) / (n * w))
        if best_e is None or v < best - imp * se:
            best, best_e = v, e
            continue
        if e - best_e >= P and v - best > reb * se and not np.isnan(h[e]) and h[e] < hmax:
            return e, max(0, best_e - (w - 1) // 2)
    return None, None

def lw5(r, s, w=1, P=3, imp=1.0, reb=3.0, hmax=0.03, hk=3, start=2, sig='PC', sustain=True):
    """Sustained rebound: the last P values (smoothed over w) all exceed the best by reb SE, no new best for
    P epochs, and the fit progress (hazard) is below hmax."""
    x = s[sig]; n = r['n']; E = len(x)
    sm = ma(x, w); h = hazard(s, hk)
    best = np.inf; best_e = None; above = 0
    for e in range(E):
        v = sm[e]
        if np.isnan(v) or e < start:
            continue
        se = np.sqrt(max(v, 1e-4) * (1 - min(v, 0.9999)) / (n * w))
        if best_e is None or v < best - imp * se:
            best, best_e, above = v, e, 0
            continue
        above = above + 1 if v - best > reb * se else 0
        cond = above >= P if sustain else (e - best_e >= P and v - best > reb * se)
        if cond and not np.isnan(h[e]) and h[e] < hmax:
            return e, max(0, best_e - (w - 1) // 2)
    return None, None

def persistence(r, k=3):
    pred, yn = r['pred'], r['yn']; E = pred.shape[0]
    wrong = pred != yn[None, :]
    q = np.full(E, np.nan); pers = np.full(E, np.nan)
    for e in range(k - 1, E):
        allw = wrong[e - k + 1:e + 1].all(0).mean()
        q[e] = allw
        pers[e] = allw / max(1e-9, wrong[e].mean())
    return q, pers

def lw6(r, s, P=2, imp=1.0, reb=3.0, hmax=0.02, hk=3, start=2, sig='PC', hs=1):
    """As lw5 (w=1, not sustained) with thresholds in standard errors of the DIFFERENCE between the value
    and the best (both binomial): se_d = sqrt(v(1-v)/n + b(1-b)/n). hs: the plateau condition reads the
    mean of the last hs fit-progress values (the shipped rule: 2)."""
    x = s[sig]; n = r['n']; E = len(x); h = ma(hazard(s, hk), hs)
    best = np.inf; best_e = None
    for e in range(E):
        v = x[e]
        if np.isnan(v) or e < start:
            continue
        if best_e is None:
            best, best_e = v, e; continue
        se_d = np.sqrt(v * (1 - v) / n + best * (1 - best) / n)
        if v < best - imp * se_d:
            best, best_e = v, e
            continue
        if e - best_e >= P and v - best > reb * se_d and not np.isnan(h[e]) and h[e] < hmax:
            return e, best_e
    return None, None
