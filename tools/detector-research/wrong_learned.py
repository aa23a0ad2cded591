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
import argparse
import numpy as np
import rebound_for
from rebound_for import kept

def mean_last(a, e, k=2):
    w = a[max(0, e - k + 1):e + 1]
    return np.nan if len(w) < k or np.isnan(w).any() else w.mean()

def rule(x, lh_below=None):
    """memorization_onset (rebound_for 2) on per-epoch series: (stop, restore) or (None, None); lh_below
    None: the plateau alone (the rule before this change)."""
    return rebound_for.rule(x, rebound_for=2, lh_below=lh_below)

def wave(x, arming=0.12):
    """wrong_examples_memorized on per-epoch series: (stop, restore) or (None, None)."""
    return rebound_for.rule(x, monitor='lh', monitor_se='lhse', below=None, rebound=4.0, rebound_for=2,
                            arming=arming)

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
    names = {l.split()[0] for l in open(a.runs_list) if l.strip()} if a.runs_list else None
    xs = rebound_for.load_series(a.runs, a.dl4j, names)
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
