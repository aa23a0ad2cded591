"""The wrong examples' learning (epoch_wrong_learned_rate: of the examples wrong at their previous
presentation, the share right at this one) in the built-in rules, both shipped 2026-12-02:
  1. the plateau alone: memorization_onset as it was (epoch_fit_progress, two epochs, below 0.02);
  2. + resist: memorization_onset also asking epoch_wrong_learned_rate (two epochs) below a threshold;
  3. + wave: 2, or the rule wrong_examples_memorized (the rate's own turning point: no new minimum
     for 2 epochs, more than 4 standard errors above it at two epoch ends in a row, its minimum below
     the arming threshold 0.12), whichever stops first -- the rules as shipped.
On the research recordings (runs/*.npz, PyTorch: the runs they were chosen on) and on DL4J runs of
./rote experiment (their epoch_indicators; held out).

    python3 wrong_learned.py [--runs DIR] [--runs-list FILE]   # research runs
    python3 wrong_learned.py --dl4j FILE.json [...]            # DL4J experiment runs
    options: --threshold T (0.18), --arming A (0.12), --table (one line per run), --stops (the
             condition's value at each stop of the plateau-only rule)

DL4J runs recorded before the analyzer published epoch_wrong_learned_rate get it from what they
hold: every pass presents each example once, so the rate is epoch_learned_rate / (1 - the previous
pass's epoch_train_accuracy). Kept: clean test accuracy of the model the rule leaves over the run's
best epoch-end accuracy (the mean of the restore epoch's and its neighbours' accuracies for a stop, a
proxy for the averaged weights the trainer restores; the last epoch's without one). Needs NumPy.
"""
import argparse, glob, json, math, os
import numpy as np
import rebound_for
from rebound_for import kept

def research(path):
    from analyze import load, signals, hazard
    r = load(path); s = signals(r); n = r['n']
    pc, A = s['PC'], s['A']
    lh = np.full(len(A), np.nan)
    wrong = np.full(len(A), np.nan)
    wrong[1:] = (1 - A[:-1]) * n
    lh[1:] = s['L'][1:] * n / np.maximum(1e-9, wrong[1:])
    return dict(name=r['name'], pc=pc, se=np.sqrt(pc * (1 - pc) / n), fp=hazard(s, 3), lh=lh,
                lhse=np.sqrt(lh * (1 - lh) / wrong), acc=r['acc'], clean='-c0-' in r['name'])

def dl4j(r):
    acc = {p['step']: p['value'] for p in r['test_accuracy']}
    by = {}
    for v in r['epoch_indicators']:
        by.setdefault(v['epoch'], {})[v['name']] = (v['value'], v['standard_error'], v['step'])
    E = max(by) + 1
    def col(k, i=0):
        return np.array([by.get(e, {}).get(k, (np.nan, np.nan, 0))[i] for e in range(E)], float)
    steps = [by[e].get('epoch_train_accuracy', (0, 0, None))[2] for e in range(E)]
    lh, lhse = col('epoch_wrong_learned_rate'), col('epoch_wrong_learned_rate', 1)
    if np.isnan(lh).all():
        A, L = col('epoch_train_accuracy'), col('epoch_learned_rate')
        n = int(r['cell_settings'].split(' training examples')[0].replace(',', ''))
        wrong = (1 - A[:-1]) * n
        lh[1:] = L[1:] * n / np.maximum(1e-9, wrong)
        with np.errstate(invalid='ignore', divide='ignore'):
            lhse[1:] = np.sqrt(lh[1:] * (1 - lh[1:]) / wrong)
    noise = 'clean' if not r['label_noise'] else r['noise_mode'][:4] + str(round(r['label_noise'] * 100))
    return dict(name=f"{r['cell']} {noise} s{r['seed']}", pc=col('epoch_prediction_flip_rate'),
                se=col('epoch_prediction_flip_rate', 1), fp=col('epoch_fit_progress'), lh=lh, lhse=lhse,
                acc=np.array([acc.get(st, np.nan) for st in steps]), clean=not r['label_noise'])

def mean_last(a, e, k=2):
    w = a[max(0, e - k + 1):e + 1]
    return np.nan if len(w) < k or np.isnan(w).any() else w.mean()

def rule(x, lh_below=None):
    """memorization_onset (rebound_for 2) on per-epoch series: (stop, restore) or (None, None); lh_below
    None: the plateau alone (the rule before this change)."""
    return rebound_for.rule(x, rebound_for=2, lh_below=lh_below)

def wave(x, arming=0.12, rebound=4.0, patience=2, min_delta=0.5, start=2, in_a_row=2):
    """wrong_examples_memorized on per-epoch series: (stop, restore) or (None, None)."""
    lh, se = x['lh'], x['lhse']
    best = None; above = 0
    for e in range(len(lh)):
        v = lh[e]
        if np.isnan(v) or np.isnan(se[e]) or e < start:
            continue
        if best is None:
            best = (v, se[e], e); continue
        sd = math.sqrt(se[e] ** 2 + best[1] ** 2)
        if v < best[0] - min_delta * sd:
            best = (v, se[e], e); above = 0; continue
        above = above + 1 if v - best[0] > rebound * sd else 0
        if e - best[2] >= patience and above >= in_a_row and best[0] < arming:
            return e, best[2]
    return None, None

def first(a, b):
    """The stop that comes first of two (the trainer obeys the first signal)."""
    if a[0] is None:
        return b
    if b[0] is None or a[0] <= b[0]:
        return a
    return b

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--runs', default='runs')
    p.add_argument('--runs-list', help='only the runs named in this list (name, then train.py arguments)')
    p.add_argument('--dl4j', nargs='*')
    p.add_argument('--threshold', type=float, default=0.18)
    p.add_argument('--arming', type=float, default=0.12)
    p.add_argument('--table', action='store_true')
    p.add_argument('--stops', action='store_true')
    a = p.parse_args()
    if a.dl4j:
        xs = [dl4j(r) for f in a.dl4j for r in json.load(open(f))['runs'] if r.get('epoch_indicators')]
    else:
        names = None
        if a.runs_list:
            names = {l.split()[0] for l in open(a.runs_list) if l.strip()}
        xs = [research(f) for f in sorted(glob.glob(os.path.join(a.runs, '*.npz')))
              if names is None or os.path.basename(f)[:-4] in names]
    forms = (('1 the plateau alone', lambda x: rule(x)),
             (f'2 + wrong learned < {a.threshold}', lambda x: rule(x, lh_below=a.threshold)),
             (f'3 + wrong_examples_memorized (arming {a.arming}; shipped)',
              lambda x: first(rule(x, lh_below=a.threshold), wave(x, arming=a.arming))))
    results = {label: [(x,) + f(x) for x in xs] for label, f in forms}
    if a.stops:
        for x, st, rs in results[forms[0][0]]:
            if st is not None:
                print(f"{x['name']:<36} {'clean' if x['clean'] else 'noisy'} stop after epoch {st + 1:3d} "
                      f"kept {kept(x, st, rs):.3f}  wrong learned (2 epochs) {mean_last(x['lh'], st - 1):.3f} "
                      f"{mean_last(x['lh'], st):.3f}")
        return
    if a.table:
        print('| run | best epoch | 1 plateau alone: stop / restore / kept | 2 + resist | 3 + wave (shipped) |')
        print('|---|---|---|---|---|')
        for (x, s0, r0), (_, s1, r1), (_, s2, r2) in zip(*results.values()):
            cell = lambda s, r: f"{'-' if s is None else s + 1} / {'-' if r is None else r + 1} / {kept(x, s, r):.3f}"
            mark = ' **changed**' if len({(s0, r0), (s1, r1), (s2, r2)}) > 1 else ''
            print(f"| {x['name']} | {int(np.nanargmax(x['acc'])) + 1} | {cell(s0, r0)} | {cell(s1, r1)} | "
                  f"{cell(s2, r2)}{mark} |")
        print()
    for label, res in results.items():
        clean = [st is None or kept(x, st, rs) >= 0.99 for x, st, rs in res if x['clean']]
        noisy = [kept(x, st, rs) for x, st, rs in res if not x['clean']]
        print(f"{label}: clean runs meeting the target {sum(clean)} of {len(clean)}; noisy runs at >= 98% "
              f"{sum(v >= 0.98 for v in noisy)} of {len(noisy)}, mean {np.mean(noisy):.3f}")

if __name__ == '__main__':
    main()
