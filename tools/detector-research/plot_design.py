"""Plots for docs/DETECTOR.md: per-epoch label wave, fit progress and clean test accuracy of tuning runs,
with the built-in rule's stop and restore marked."""
import sys, numpy as np
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from analyze import *
names = sys.argv[2:]
out = sys.argv[1]
fig, axes = plt.subplots(len(names), 1, figsize=(8, 2.6 * len(names)), sharex=False)
for ax, nm in zip(np.atleast_1d(axes), names):
    r = load(f'runs/{nm}.npz'); s = signals(r); h = hazard(s, 3)
    st, rs = lw6(r, s, P=2, imp=0.5, reb=3.0, hmax=0.02, hs=2)
    ep = np.arange(1, r['E'] + 1)
    ax.plot(ep, s['PC'], 'o-', ms=3, color='tab:blue', label='prediction flip rate per epoch (label wave)')
    ax.set_ylabel('flip rate', color='tab:blue')
    ax2 = ax.twinx()
    ax2.plot(ep, r['acc'], '-', color='tab:green', alpha=.6, label='clean test accuracy')
    if r['avg_acc'] is not None:
        aa = np.full(r['E'], np.nan); aa[:-1] = r['avg_acc'][1:, 0]
        ax2.plot(ep, aa, '-', color='darkgreen', label='test acc., mean of 3 epoch-end weights')
    ax2.set_ylabel('test accuracy', color='tab:green')
    on = np.where(h < 0.02)[0]
    for e in on:
        ax.axvspan(e + 0.5, e + 1.5, color='orange', alpha=.12, lw=0)
    if st is not None:
        ax.axvline(st + 1, color='red', ls='--', label='stop')
        ax.axvline(rs + 1, color='purple', ls=':', label='restore (centre of 3 epochs)')
    ax.set_title(nm + ('' if st is None else f'  — stop after epoch {st+1}, restore epoch {rs+1}'), fontsize=9)
    ax.set_xlabel('epoch (shaded: fit progress < 0.02)')
h1, l1 = np.atleast_1d(axes)[0].get_legend_handles_labels()
fig.legend(h1, l1, loc='lower center', ncol=3, fontsize=8)
fig.tight_layout(rect=(0, 0.04, 1, 1))
fig.savefig(out, dpi=110)
