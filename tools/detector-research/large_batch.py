"""The built-in rules at very large batches (2026-12-03): a clean DL4J run at batch 1,024 (10 updates per
epoch, docs/matrix-heldout-2026-12-02b.json, seed 7) was stopped below 99% of its best by both stop rules,
because the per-epoch share of wrong examples learned falls with the updates per epoch. Two changes, both
in units of the churn (the same epoch's forgetting rate), were chosen on the DL4J runs in docs/ that
existed then (141 runs, docs/matrix-recorded.json and the held-out sets up to -03g):

  - memorization_onset: a third `when` condition, epoch_wrong_learned_rate over epoch_forgetting_rate
    below 6, each the mean of two epochs;
  - wrong_examples_memorized: arming_ratio.limit 9, the absolute arming_threshold 0.12 arms only while
    the best over the forgetting rate at its epoch is below 9.

Prints, per variant (the rules as before, and the ratio thresholds 5/6 and limits 8/9/10 beside the
chosen 6/9), clean runs meeting the target, symmetric and class-pair runs at >= 98% of their best (the
proxy *kept* of rebound_for.py), and every run whose outcome differs from the rules as before; then,
with --table, the ratio at every stop of memorization_onset and at every trigger of the wrong
examples' rule.

    python3 large_batch.py [--table] [--laplace] [--span] [FILE.json ...]   # default: every docs/matrix-*.json

--span: the runs whose outcome changes when the arming ratio of wrong_examples_memorized is read over
the three epochs around the minimum instead of at the minimum alone (arming_ratio.span: 3, 2026-12-03).

--laplace: the runs whose outcome under the shipped rules changes when the standard errors of rates
recorded at exactly 0 or 1 (0 then) take Laplace's estimate, as the analyzer computes them since
2026-12-03 (docs/DETECTOR.md, *Rates seen at 0 or 1*).
"""
import glob, json, math, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rebound_for
from rebound_for import kept

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'docs')

def load(files):
    xs = []
    for f in files:
        for r in json.load(open(f))['runs']:
            if not r.get('epoch_indicators'):
                continue
            x = rebound_for.series_dl4j(r)
            x['file'] = os.path.basename(f)[len('matrix-'):-len('.json')]
            fo = np.full(len(x['lh']), np.nan)
            for e in r['epoch_indicators']:
                if e['name'] == 'epoch_forgetting_rate' and e['epoch'] < len(fo):
                    fo[e['epoch']] = e['value']
            x['fo'] = fo
            x['train_size'] = int(r['cell_settings'].split(' training examples')[0].replace(',', ''))
            acc = np.full(len(fo), np.nan)
            for e in r['epoch_indicators']:
                if e['name'] == 'epoch_train_accuracy' and e['epoch'] < len(acc):
                    acc[e['epoch']] = e['value']
            x['train_acc'] = acc
            xs.append(x)
    return xs

def laplace(x):
    """x with the standard errors of its rates at 0 or 1 (recorded as 0) replaced by sqrt(q(1-q)/n),
    q = (pn + 1)/(n + 2), as the analyzer computes them since 2026-12-03. n is not recorded: the flip
    rate's is the pass's size (every example has a previous presentation from the second pass on), the
    wrong examples' rate's the previous pass's wrong examples (at least 1)."""
    y = dict(x)
    prev_wrong = np.concatenate([[np.nan], np.maximum(1, np.round((1 - x['train_acc'][:-1]) * x['train_size']))])
    for key, se_key, n in (('pc', 'se', np.full(len(x['pc']), x['train_size'])), ('lh', 'lhse', prev_wrong)):
        se = x[se_key].copy()
        for i, p in enumerate(x[key]):
            if se[i] == 0 and p in (0.0, 1.0) and n[i] > 0:
                q = (p * n[i] + 1) / (n[i] + 2)
                se[i] = math.sqrt(q * (1 - q) / n[i])
        y[se_key] = se
    return y

def ratio2(x, e):
    """The two-epoch mean of the wrong examples' rate over the two-epoch mean of the forgetting rate."""
    if e < 1:
        return np.nan
    num, den = np.mean(x['lh'][e - 1:e + 1]), np.mean(x['fo'][e - 1:e + 1])
    return num / den if den > 0 else np.nan

def onset(x, ratio_below=None):
    """memorization_onset as shipped (rebound_for.rule), with the ratio condition when ratio_below is set:
    at an epoch where the condition fails the wrong examples' rate is masked above 0.18, which fails the
    rule's other condition on it (the mean of the same two epochs) in the same way."""
    if ratio_below is None:
        return rebound_for.rule(x, rebound_for=2, lh_below=0.18)
    y = dict(x)
    ok = np.array([not np.isnan(ratio2(x, e)) and ratio2(x, e) < ratio_below for e in range(len(x['lh']))])
    y['lh'] = np.where(ok, x['lh'], 1.0)
    return rebound_for.rule(y, rebound_for=2, lh_below=0.18)

def smooth(a, se, w, start=2):
    """Moving mean of the last w values from index `start` on (NaN until w arrived), se sqrt(sum se^2)/w:
    the alerting service's `smoothing` window over per-epoch values (few_updates.py)."""
    m, s = np.full(len(a), np.nan), np.full(len(a), np.nan)
    for e in range(start + w - 1, len(a)):
        seg, ss = a[e - w + 1:e + 1], se[e - w + 1:e + 1]
        if not (np.isnan(seg).any() or np.isnan(ss).any()):
            m[e], s[e] = seg.mean(), math.sqrt((ss ** 2).sum()) / w
    return m, s

def wave(x, threshold=0.12, ratio=6.0, limit=None, span=1, w=1):
    """wrong_examples_memorized: min 0.5 se, rebound 4 se at two epoch ends in a row, patience 2 epochs,
    from the third epoch; armed by a best below `threshold` (while its ratio is below `limit`, if set) or a
    best over the forgetting rate at its epoch below `ratio`; span 3: the ratio of the sums over the epoch
    before the best, the best's and the one after (arming_ratio.span, 2026-12-03). w > 1: the rate read as
    the mean of w epochs (smoothing over steps, few_updates.py), the ratio summed over the best window
    (and with span 3 the epoch before it and the one after), the restore epoch the window's middle."""
    lh, se = smooth(x['lh'], x['lhse'], w)
    best = None; above = 0
    for e in range(len(lh)):
        v = lh[e]
        if np.isnan(v) or np.isnan(se[e]) or e < 2:
            continue
        if best is None:
            best = (v, se[e], e); continue
        sd = math.sqrt(se[e] ** 2 + best[1] ** 2)
        if v < best[0] - 0.5 * sd:
            best = (v, se[e], e); above = 0; continue
        above = above + 1 if v - best[0] > 4 * sd else 0
        b = best[2]
        ext = 1 if span == 3 else 0
        a, f = x['lh'][max(0, b - w + 1 - ext):b + 1 + ext], x['fo'][max(0, b - w + 1 - ext):b + 1 + ext]
        ok = ~np.isnan(a) & ~np.isnan(f) & (f > 0)
        r = a[ok].sum() / f[ok].sum() if ok.any() else np.nan
        armed = (not np.isnan(r) and r < ratio) or (best[0] < threshold and (limit is None or (not np.isnan(r) and r < limit)))
        if e - b >= 2 and above >= 2 and armed:
            return e, b - w + 1 + (w - 1) // 2
    return None, None

def first(a, b):
    if a[0] is None: return b
    if b[0] is None or a[0] <= b[0]: return a
    return b

def kind(x):
    return 'clean' if 'clean' in x['name'] else 'asym' if 'asym' in x['name'] else 'sym'

def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    xs = load(args or sorted(glob.glob(os.path.join(DOCS, 'matrix-*.json'))))
    variants = {'before (2026-12-03g)': (None, None), 'ratio 6, limit 9 (shipped)': (6, 9),
                'ratio 5, limit 9': (5, 9), 'ratio 6, limit 8': (6, 8), 'ratio 6, limit 10': (6, 10)}
    base = {id(x): first(onset(x), wave(x)) for x in xs}
    print(f'{len(xs)} runs')
    for name, (rb, lim) in variants.items():
        out = {'clean': [], 'sym': [], 'asym': []}; changed = []
        for x in xs:
            st, rs = first(onset(x, rb), wave(x, limit=lim))
            k = kept(x, st, rs)
            out[kind(x)].append(st is None or k >= 0.99 if kind(x) == 'clean' else k)
            if (st, rs) != base[id(x)]:
                s0, r0 = base[id(x)]
                changed.append(f"    {x['file']} {x['name']}: stop {'-' if s0 is None else s0 + 1} kept {kept(x, s0, r0):.3f}"
                               f" -> stop {'-' if st is None else st + 1} kept {k:.3f}")
        c, s, a = out['clean'], out['sym'], out['asym']
        print(f"{name:28s} clean {sum(c)}/{len(c)}; symmetric >= 98% {sum(v >= 0.98 for v in s)}/{len(s)} "
              f"(mean {np.mean(s):.3f}); class-pair {sum(v >= 0.98 for v in a)}/{len(a)} (mean {np.mean(a):.3f})")
        print('\n'.join(changed))
    if '--span' in sys.argv:
        print('\nthe shipped rules (standard errors at 0 or 1 from Laplace) with the arming ratio at the best alone'
              ' -> over the three epochs around it (arming_ratio.span: 3)')
        out = {'clean': [], 'sym': [], 'asym': []}
        for x in xs:
            y = laplace(x)
            a = first(onset(y, 6), wave(y, limit=9))
            b = first(onset(y, 6), wave(y, limit=9, span=3))
            k = kept(y, *b)
            out[kind(x)].append(b[0] is None or k >= 0.99 if kind(x) == 'clean' else k)
            if a != b:
                print(f"    {x['file']} {x['name']}: stop {'-' if a[0] is None else a[0] + 1} kept {kept(y, *a):.3f}"
                      f" -> stop {'-' if b[0] is None else b[0] + 1} kept {k:.3f}")
        c, s_, a_ = out['clean'], out['sym'], out['asym']
        print(f"  span 3: clean {sum(c)}/{len(c)}; symmetric >= 98% {sum(v >= 0.98 for v in s_)}/{len(s_)} "
              f"(mean {np.mean(s_):.3f}); class-pair {sum(v >= 0.98 for v in a_)}/{len(a_)} (mean {np.mean(a_):.3f})")
    if '--laplace' in sys.argv:
        print('\nthe shipped rules, standard errors of rates at 0 or 1 as recorded (0) -> Laplace')
        for x in xs:
            a = first(onset(x, 6), wave(x, limit=9))
            y = laplace(x)
            b = first(onset(y, 6), wave(y, limit=9))
            if a != b:
                print(f"    {x['file']} {x['name']}: stop {'-' if a[0] is None else a[0] + 1} kept {kept(x, *a):.3f}"
                      f" -> stop {'-' if b[0] is None else b[0] + 1} kept {kept(y, *b):.3f}")
    if '--table' in sys.argv:
        print('\nmemorization_onset stops (rules before): two-epoch ratio at the stop')
        for x in xs:
            st, rs = onset(x)
            if st is not None:
                print(f"  {kind(x):5s} {x['file']:22s} {x['name'][:32]:32s} epoch {st + 1:3d} ratio {ratio2(x, st):5.2f}")
        print('\nwrong_examples_memorized triggers (unarmed included): best, its ratio')
        for x in xs:
            st, b = wave(x, threshold=np.inf)
            if st is not None:
                r = x['lh'][b] / x['fo'][b] if x['fo'][b] > 0 else np.nan
                print(f"  {kind(x):5s} {x['file']:22s} {x['name'][:32]:32s} epoch {st + 1:3d} best {x['lh'][b]:.3f} ratio {r:5.2f}")

if __name__ == '__main__':
    main()
