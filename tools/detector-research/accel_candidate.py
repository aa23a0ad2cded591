"""Candidate (not adopted, docs/DETECTOR.md): a second rule that stops on a rebound at two epoch ends in a row while the fit progress (mean of two)
is at least its value at the minimum's epoch (memorization speeds the fit up; late clean rebounds come with a slowing fit).

    python3 accel_candidate.py pt                      # research recordings (runs/*.npz)
    python3 accel_candidate.py dl4j FILE.json [...]    # DL4J experiment runs
"""
import math, sys, numpy as np
from rebound_for import load_series, kept, rule as shipped

def accel(x, patience=2, min_delta=0.5, rebound=3.0, smoothing=2, start=2, k=2, floor=None):
    pc, se, fp = x['pc'], x['se'], x['fp']
    best=None; above=0; held=False
    for e in range(len(pc)):
        v=pc[e]
        if np.isnan(v) or e<start: continue
        w=fp[max(0,e-smoothing+1):e+1]; f2 = w.mean() if len(w)==smoothing and not np.isnan(w).any() else np.nan
        if best is None: best=(v,se[e],e,f2); continue
        sd=math.sqrt(se[e]**2+best[1]**2)
        if v<best[0]-min_delta*sd: best=(v,se[e],e,f2); above=0; held=False; continue
        above = above+1 if v-best[0]>rebound*sd else 0
        cond = not np.isnan(f2) and not np.isnan(best[3]) and f2 >= best[3] and (floor is None or best[3] >= floor)
        held = above>0 and (cond or (above>1 and held))
        if e-best[2]>=patience and above>=k and held:
            return e, best[2]
    return None, None

def both(x, **kw):
    a = shipped(x, rebound_for=2); b = accel(x, **kw)
    c = [t for t in (a, b) if t[0] is not None]
    return min(c) if c else (None, None)

xs = load_series('runs', sys.argv[2:] if sys.argv[1] != 'pt' else None)
for label, fn in (('shipped', lambda x: shipped(x, rebound_for=2)), ('shipped+accel', both)):
    cl=[]; no=[]; ch=[]
    for x in xs:
        st, rs = fn(x); kp = kept(x, st, rs)
        c = 'clean' in x['name'] or '-c0-' in x['name']
        (cl if c else no).append((st is None or kp >= 0.99) if c else kp)
        s0 = shipped(x, rebound_for=2)
        if (st, rs) != s0: ch.append(f"{x['name']}: {s0[0]}/{s0[1]} {kept(x,*s0):.3f} -> {st}/{rs} {kp:.3f}")
    print(f"{label}: clean ok {sum(cl)}/{len(cl)} noisy>=0.98 {sum(v>=0.98 for v in no)}/{len(no)} mean {np.mean(no):.3f}")
    for l in ch: print('   ', l)
