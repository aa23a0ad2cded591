"""A scale-free arming condition for wrong_examples_memorized, chosen on the DL4J runs (2026-12-03):
beside the absolute arming threshold (the wrong examples' learned rate below 0.12 at its minimum),
the rate over the same epoch's forgetting rate (right examples forgotten per epoch), which moves with
the per-epoch churn the batch size sets. Run beside memorization_onset as shipped; prints the totals
per arming form ('abs' the rules of 2026-12-02, 'abs-or-ratio' 0.12 / 6 the shipped one) and the
symmetric-noise and clean runs whose outcome differs or misses. The four default files chose the
form; the held-out sets run with it are docs/matrix-heldout-2026-12-03.json and -03b.json.

    python3 arming_ratio.py [FILE.json ...]   # default: the four DL4J matrices in docs/
"""
import json, math, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'docs')
import rebound_for
from rebound_for import kept
files=sys.argv[1:] or [os.path.join(DOCS, f) for f in ('matrix-recorded.json', 'matrix-heldout-2026-12-02.json',
                                                   'matrix-heldout-2026-12-02b.json', 'matrix-heldout-2026-12-02c.json')]
runs=[r for f in files for r in json.load(open(f))['runs'] if r.get('epoch_indicators')]
xs=[rebound_for.series_dl4j(r) for r in runs]
for x,r in zip(xs,runs):
    n=len(x['lh']); fo=np.full(n,np.nan)
    for e in r['epoch_indicators']:
        if e['name']=='epoch_forgetting_rate' and e['epoch']<n: fo[e['epoch']]=e['value']
    x['fo']=fo
def wave(x, arm):
    # wrong_examples_memorized with arming on W/F at the best epoch (arm=('abs',t) or ('ratio',t))
    lh,se=x['lh'],x['lhse']
    best=None; above=0; held=False
    for e in range(len(lh)):
        v=lh[e]
        if np.isnan(v) or np.isnan(se[e]) or e<2: continue
        if best is None: best=(v,se[e],e); continue
        sd=math.sqrt(se[e]**2+best[1]**2)
        if v<best[0]-0.5*sd: best=(v,se[e],e); above=0; continue
        above=above+1 if v-best[0]>4*sd else 0
        b=best[2]
        ratio_ok = x['fo'][b]>0 and best[0]/x['fo'][b]<arm[-1]
        ok = best[0]<arm[1] if arm[0]=='abs' else ratio_ok if arm[0]=='ratio' else (best[0]<arm[1] or ratio_ok)
        if e-b>=2 and above>=2 and ok: return e,b
    return None,None
def onset(x): return rebound_for.rule(x, rebound_for=2, lh_below=0.18)
def first(a,b):
    if a[0] is None: return b
    if b[0] is None or a[0]<=b[0]: return a
    return b
arms=[('abs',0.12)]+[('ratio',t) for t in (4.5,5,6,7)]+[('abs-or-ratio',0.12,t) for t in (5,6)]
for arm in arms:
    clean=[];noisy=[];asym=[]
    for x in xs:
        st,rs=first(onset(x),wave(x,arm))
        k=kept(x,st,rs)
        c=('clean' in x['name'] or '-c0-' in x['name'])
        if c: clean.append(st is None or k>=0.99)
        elif 'asym' in x['name'] or 'pair' in x['name']: asym.append(k)
        else: noisy.append(k)
    print(arm, f"clean ok {sum(clean)}/{len(clean)}; sym >=98% {sum(v>=0.98 for v in noisy)}/{len(noisy)} mean {np.mean(noisy):.3f}; asym {sum(v>=0.98 for v in asym)}/{len(asym)} mean {np.mean(asym):.3f}")
print()
for x in xs:
    c=('clean' in x['name'] or '-c0-' in x['name'])
    if 'asym' in x['name']: continue
    row=[]
    for arm in arms:
        st,rs=first(onset(x),wave(x,arm)); row.append(f"{'-' if st is None else st+1}/{kept(x,st,rs):.3f}")
    lh=x['lh']; b=int(np.nanargmin(np.where(np.arange(len(lh))>=2,lh,np.nan)))
    wf=lh[b]/x['fo'][b] if x['fo'][b]>0 else float('nan')
    if len(set(row))>1 or (not c and float(row[0].split('/')[1])<0.98) or (c and row[0].split('/')[0]!='-'):
        print(f"{x['name']:28s} minW {lh[b]:.3f}@{b+1} W/F {wf:5.2f} ", ' | '.join(row))
