"""Markdown table of the built-in rule on the recorded research runs (tuning and held-out)."""
import glob, json, numpy as np
from analyze import *
HELD = ['b512', 'm10k', 'f60k-b128-adam-a40', 'f3k-b128-adam-a40', 'cnn-f10k-b128-adam-a40', 'cnn-f10k-b128-adam-c0']
def ratio(r, stop, rest):
    acc = r['acc']; best = acc.max()
    if stop is None: return acc[-1]/best
    i = min(len(acc)-1, rest+1); v = r['avg_acc'][i][0] if r['avg_acc'] is not None else np.nan
    return (v if not np.isnan(v) else acc[rest]) / best
rows = []
for p in sorted(glob.glob('runs/*.npz')):
    if 'smoke' in p: continue
    r = load(p); s = signals(r); m = r['meta']
    st, rs = lw6(r, s, P=2, imp=0.5, reb=3.0, hmax=0.02, hs=2)
    ra = ratio(r, st, rs); clean = m['r'] == 0
    ok = ra >= (0.99 if clean else 0.98)
    held = any(h in p for h in HELD)
    noise = 'clean' if clean else f"{int(m['r']*100)}% {'sym' if m['noise']=='sym' else 'asym'}"
    data = 'MNIST' if m['dataset'] == 'mnist' else 'F-MNIST'
    rows.append((held, f"| {'held out' if held else 'tuning'} | {data} {m['n'] or 60000} | {m['model']} | {m['opt']} | {m['batch']} | {noise} | {m['seed']} | {r['acc'].argmax()+1} | {'-' if st is None else st+1} | {'-' if rs is None else rs+1} | {ra:.3f} | {r['acc'][-1]/r['acc'].max():.3f} | {'yes' if ok else '**no**'} |"))
print('| set | data | model | optimizer | batch | labels | seed | best epoch | stop after epoch | restore epoch | kept / best | end of run / best | target |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for h, row in sorted(rows):
    print(row)
