"""Exports DL4J experiment runs (./rote experiment --out FILE.json, with their epoch_indicators) as
the CSV fixtures of DefaultRulesOnRecordedEpochIndicatorsTest, and replays the built-in rule on them.

    python3 dl4j_fixture.py FILE.json CELL NOISE_KEY SEED OUT.csv   # one run -> a fixture
    python3 dl4j_fixture.py --replay FILE.json [FILE.json ...]      # the shipped rule and the rule of 2026-12-01
                                                                    # (rebound_for 1) on every recorded run, and
                                                                    # which of them reproduces its recorded stop

A fixture holds, per epoch end (the step of the pass's last presentation): the epoch-level indicators
as the analyzer committed them (value and standard error) and the clean test accuracy the trainer
measured at that step. Header comments carry the run's train_size and batch_size (its metadata).
"""
import csv, json, math, sys

NAMES = ['epoch_train_accuracy', 'epoch_train_loss', 'epoch_forgetting_rate', 'epoch_learned_rate',
         'epoch_wrong_learned_rate',
         'epoch_fit_progress', 'epoch_prediction_flip_rate']

def noise_key(r):
    if r['label_noise'] == 0:
        return 'clean'
    return ('asym' if r['noise_mode'] == 'asymmetric' else 'sym') + str(round(r['label_noise'] * 100))

def setting(r, key):
    s = r['cell_settings']
    if key == 'train_size':
        return int(s.split(' training examples')[0].replace(',', ''))
    return int(s.split('batch ')[1].split(',')[0])

def rows(r):
    acc = {p['step']: p['value'] for p in r['test_accuracy']}
    by = {}
    for v in r['epoch_indicators']:
        by.setdefault(v['step'], {})[v['name']] = (v['value'], v['standard_error'])
    return acc, by

def export(path, cell, key, seed, out):
    runs = [r for r in json.load(open(path))['runs']
            if r['cell'] == cell and noise_key(r) == key and r['seed'] == int(seed)]
    assert len(runs) == 1, f'{len(runs)} runs match'
    r = runs[0]
    acc, by = rows(r)
    with open(out, 'w', newline='') as f:
        f.write(f"# DL4J run of ./rote experiment: cell {cell}, {key}, seed {seed}; {r['cell_settings']}\n")
        f.write(f"# train_size {setting(r, 'train_size')}\n# batch_size {setting(r, 'batch_size')}\n")
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['step', 'test_accuracy'] + [c for n in NAMES for c in (n, n + '_se')])
        for step in sorted(set(acc) | set(by)):
            row = [step, acc.get(step, '')]
            for n in NAMES:
                v, se = by.get(step, {}).get(n, ('', ''))
                row += [v, '' if se is None else se]
            w.writerow(row)

def replay(r, start=3, patience=2, imp=0.5, reb=3.0, below=0.02, smoothing=2, rebound_for=2):
    """The built-in memorization_onset on the recorded series; (stop step, restore step) or None.
    rebound_for: how many epoch ends in a row the flip rate must be more than `reb` se off its minimum;
    with more than one, the plateau must hold at one of them (the alerting service's RuleEngine)."""
    acc, by = rows(r)
    spe = math.ceil(setting(r, 'train_size') / setting(r, 'batch_size'))
    fits = []
    best = None
    above = 0
    held = False
    for step in sorted(by):
        if 'epoch_fit_progress' in by[step]:
            fits.append(by[step]['epoch_fit_progress'][0])
        if 'epoch_prediction_flip_rate' not in by[step] or step < start * spe:
            continue
        v, se = by[step]['epoch_prediction_flip_rate']
        if best is None:
            best = (v, se, step)
            continue
        sd = math.sqrt(se * se + best[1] * best[1])
        plateau = len(fits) >= smoothing and sum(fits[-smoothing:]) / smoothing < below
        if v < best[0] - imp * sd:
            best = (v, se, step)
            above, held = 0, False
            continue
        above = above + 1 if v - best[0] > reb * sd else 0
        held = above > 0 and (plateau or (above > 1 and held))
        if step - best[2] >= patience * spe and above >= rebound_for and (held if rebound_for > 1 else plateau):
            return step, best[2]
    return None

if __name__ == '__main__':
    if sys.argv[1] == '--replay':
        for path in sys.argv[2:]:
            for r in json.load(open(path))['runs']:
                if not r.get('epoch_indicators'):
                    continue
                acc, _ = rows(r)
                best = max(acc.values())
                got = replay(r)
                then = replay(r, rebound_for=1)
                def at(g):
                    return 'no stop' if g is None else f'stop {g[0]} restore {g[1]} ({acc.get(g[1], float("nan")) / best:.3f} of best at the restore epoch)'
                step = lambda g: g[0] if g else None
                matches = [name for name, g in (('the rule of 2026-12-01', then), ('rebound_for 2', got))
                           if step(g) == r['stop_step']]
                print(f"{r['cell']:<12} {noise_key(r):<7} s{r['seed']}  recorded stop {r['stop_step']} "
                      f"(reproduced by: {', '.join(matches) if matches else 'MISMATCH'}); "
                      f"the rule of 2026-12-01: {at(then)}; shipped rule (rebound_for 2): {at(got)}")
    else:
        export(*sys.argv[1:6])
