"""The built-in rule with a rebound at the latest epoch (as shipped on 2026-12-01) against the rebound
at two epoch ends in a row (rebound_for: 2, the plateau holding at one of them; shipped 2026-12-02), on
the research recordings (runs/*.npz, PyTorch; the runs the change was chosen on) and on DL4J runs of
./rote experiment (their epoch_indicators; held out).

    python3 rebound_for.py [--runs DIR]                 # research runs: Markdown table and summary
    python3 rebound_for.py --dl4j FILE.json [...]       # DL4J experiment runs
    python3 rebound_for.py --forms [--runs DIR | --dl4j ...]  # the forms compared: summary lines only

Kept: clean test accuracy of the model the rule leaves, over the run's best epoch-end accuracy. For a
stop, the mean of the epoch-end accuracies of the restore window (the restore epoch and its
neighbours; a proxy for the accuracy of the averaged weights the trainer restores); without a stop,
the last epoch's. Needs NumPy.
"""
import argparse, glob, json, math, os
import numpy as np

def series_research(path):
    """A research run's epoch series; lh: epoch_wrong_learned_rate (learned events over the examples
    wrong at their previous presentation), lhse its binomial standard error."""
    from analyze import load, signals, hazard
    r = load(path); s = signals(r); n = r['n']
    pc, A = s['PC'], s['A']
    wrong = np.full(len(A), np.nan)
    wrong[1:] = (1 - A[:-1]) * n
    lh = np.full(len(A), np.nan)
    lh[1:] = s['L'][1:] * n / np.maximum(1e-9, wrong[1:])
    return dict(name=r['name'], pc=pc, se=np.sqrt(pc * (1 - pc) / n), fp=hazard(s, 3), lh=lh,
                lhse=np.sqrt(lh * (1 - lh) / wrong), acc=r['acc'], clean='-c0-' in r['name'])

def series_dl4j(r):
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
        # recorded before the analyzer published it: every pass presents each example once, so it is
        # epoch_learned_rate over the share wrong at the previous pass
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

def load_series(runs_dir, dl4j_files=None, names=None):
    """The epoch series of DL4J experiment runs (when dl4j_files are given), else of the research
    recordings in runs_dir (those in `names` only, when given)."""
    if dl4j_files:
        return [series_dl4j(r) for f in dl4j_files for r in json.load(open(f))['runs'] if r.get('epoch_indicators')]
    return [series_research(f) for f in sorted(glob.glob(os.path.join(runs_dir, '*.npz')))
            if os.path.getsize(f) and (names is None or os.path.basename(f)[:-4] in names)]

def rule(x, rebound_for=1, patience=2, min_delta=0.5, rebound=3.0, below=0.02, smoothing=2, start=2,
         plateau_at='one', lh_below=None, monitor='pc', monitor_se='se', arming=None):
    """memorization_onset on per-epoch series (index e = epoch e+1); (stop epoch, restore epoch) or (None, None).
    plateau_at: with rebound_for > 1, 'one' (shipped: the plateau at one of the evaluations in a row) or 'last'.
    lh_below: also ask the mean of the last `smoothing` values of x['lh'] (epoch_wrong_learned_rate) below it.
    below None: no plateau condition. monitor, monitor_se: the series the rule reads (wrong_examples_memorized:
    'lh', 'lhse'); arming: fire only once the minimum is below it (arming_threshold)."""
    pc, se, fp = x[monitor], x[monitor_se], x['fp']
    best = None; above = 0; held = False
    for e in range(len(pc)):
        v = pc[e]
        if np.isnan(v) or np.isnan(se[e]) or e < start:   # start_from 3 epochs: the third epoch end is the first
            continue
        w = fp[max(0, e - smoothing + 1):e + 1]
        plateau = below is None or (len(w) == smoothing and not np.isnan(w).any() and w.mean() < below)
        if lh_below is not None:
            l = x['lh'][max(0, e - smoothing + 1):e + 1]
            plateau = plateau and len(l) == smoothing and not np.isnan(l).any() and l.mean() < lh_below
        if best is None:
            best = (v, se[e], e); continue
        sd = math.sqrt(se[e] ** 2 + best[1] ** 2)
        if v < best[0] - min_delta * sd:
            best = (v, se[e], e); above, held = 0, False; continue
        above = above + 1 if v - best[0] > rebound * sd else 0
        held = above > 0 and (plateau or (above > 1 and held))
        cond = held if rebound_for > 1 and plateau_at == 'one' else plateau
        if e - best[2] >= patience and above >= rebound_for and cond and (arming is None or best[0] < arming):
            return e, best[2]
    return None, None

def kept(x, stop, restore):
    acc = x['acc']; best = np.nanmax(acc)
    if stop is None:
        return acc[-1] / best
    return np.nanmean(acc[max(0, restore - 1):restore + 2]) / best

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--runs', default='runs')
    p.add_argument('--dl4j', nargs='*')
    p.add_argument('--forms', action='store_true')
    a = p.parse_args()
    xs = load_series(a.runs, a.dl4j)
    if a.forms:
        for label, kw in (('rebound_for 1 (2026-12-01)', dict(rebound_for=1)),
                          ('rebound_for 2, plateau at the second', dict(rebound_for=2, plateau_at='last')),
                          ('rebound_for 2, plateau at one of them (shipped)', dict(rebound_for=2)),
                          ('rebound_for 3, plateau at one of them', dict(rebound_for=3))):
            res = [(('clean' in x['name'] or '-c0-' in x['name']),) + rule(x, **kw) for x in xs]
            res = [(c, st, kept(x, st, rs)) for x, (c, st, rs) in zip(xs, res)]
            clean = [st is None or kp >= 0.99 for c, st, kp in res if c]
            noisy = [kp for c, st, kp in res if not c]
            print(f"{label}: clean runs meeting the target {sum(clean)} of {len(clean)}; noisy runs at >= 98% "
                  f"{sum(v >= 0.98 for v in noisy)} of {len(noisy)}, mean {np.mean(noisy):.3f}")
        return
    print('| run | best epoch | rebound at the latest epoch: stop / restore / kept | rebound_for 2: stop / restore / kept |')
    print('|---|---|---|---|')
    totals = {1: [], 2: []}
    for x in xs:
        cells = []
        for k in (1, 2):
            st, rs = rule(x, rebound_for=k)
            kp = kept(x, st, rs)
            clean = 'clean' in x['name'] or '-c0-' in x['name']
            totals[k].append((clean, st, kp))
            cells.append(f"{'-' if st is None else st + 1} / {'-' if rs is None else rs + 1} / {kp:.3f}")
        mark = ' **changed**' if cells[0].split(' / ')[1:] != cells[1].split(' / ')[1:] else ''
        print(f"| {x['name']} | {int(np.nanargmax(x['acc'])) + 1} | {cells[0]} | {cells[1]}{mark} |")
    for k, t in totals.items():
        clean = [st is None or kp >= 0.99 for c, st, kp in t if c]
        noisy = [kp for c, st, kp in t if not c]
        print(f"\nrebound_for {k}: clean runs meeting the target (never stopped below 99%): {sum(clean)} of {len(clean)}; "
              f"noisy runs at >= 98%: {sum(v >= 0.98 for v in noisy)} of {len(noisy)}, mean {np.mean(noisy):.3f}")

if __name__ == '__main__':
    main()
