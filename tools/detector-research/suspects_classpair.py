"""Suspect ranking under class-pair (asymmetric) label noise: candidate scores, offline.

Replays the suspect score of the analyzer (dev.rote.analyzer.math.SuspectScore) on the recorded
PyTorch runs (runs/*.npz, see README.md) epoch by epoch, from the statistics the analyzer keeps per
example, and compares it with candidates meant to raise its AUROC under 40% class-pair noise
without losing it under symmetric noise. Only what the analyzer has is used: per example the
presentations, wrong events, mean margin (AUM) and the classes predicted instead of the label; per
run, aggregates over the examples of each assigned label. One presentation per epoch (the
recordings hold one value per epoch and example).

Tuning runs (candidates and constants were chosen on these): mlp-f10k a40 s1 and s40 s1. Every
other recording is held out.

    /usr/bin/python3 suspects_classpair.py [--runs DIR] [--plot FILE.png]

prints Markdown tables (candidate x run, AUROC at epochs 10, 20 and the last; a summary) and the split of
the score's AUROC into flipped-vs-clean within the noisy class pairs and flipped-vs-clean outside.
"""
import argparse
import os

import numpy as np

from analyze import load

K = 10
PAIR_CLASSES = [0, 6, 2, 4, 5, 7]  # Fashion-MNIST pairs of the reference trainer: 0:6, 2:4, 5:7
TUNING = ['mlp-f10k-b128-adam-a40-s1', 'mlp-f10k-b128-adam-s40-s1']
CLASS_PAIR = ['mlp-f10k-b128-adam-a40-s1', 'mlp-f10k-b128-adam-a40-s2', 'mlp-f3k-b128-adam-a40-s1',
              'mlp-f60k-b128-adam-a40-s1', 'cnn-f10k-b128-adam-a40-s1', 'mlp-f10k-b128-sgd-a40-s1']
SYMMETRIC = ['mlp-f10k-b128-adam-s40-s1', 'mlp-f10k-b128-adam-s40-s2', 'mlp-f10k-b128-adam-s20-s1',
             'mlp-f10k-b128-adam-s60-s1', 'mlp-f3k-b128-adam-s40-s1', 'mlp-f60k-b128-adam-s40-s1',
             'cnn-f10k-b128-adam-s40-s1', 'mlp-f10k-b128-sgd-s40-s1', 'mlp-f10k-b32-adam-s40-s1',
             'mlp-f10k-b512-adam-s40-s1', 'mlp-m10k-b128-adam-s40-s1']


def auroc(score, positive):
    """Probability that a positive ranks above a negative, ties counting half (Mann-Whitney)."""
    _, inv, cnt = np.unique(np.asarray(score, float), return_inverse=True, return_counts=True)
    ranks = (np.cumsum(cnt) - (cnt - 1) / 2.0)[inv]
    npos = positive.sum()
    nneg = len(positive) - npos
    return (ranks[positive].sum() - npos * (npos + 1) / 2.0) / (npos * nneg)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def stats(r, epochs):
    """The analyzer's per-example statistics after the first `epochs` epochs."""
    pred = r['pred'][:epochs].astype(int)
    yn = r['yn']
    n = r['n']
    counts = np.zeros((n, K), int)
    for t in range(epochs):
        counts[np.arange(n), pred[t]] += 1
    other = counts.copy()
    other[np.arange(n), yn] = 0
    return dict(p=epochs, yn=yn, wrong=(pred != yn).sum(0), aum=r['margin'][:epochs].astype(float).mean(0),
                counts=counts, top=other.argmax(1), topn=other.max(1))


def score(s):
    """Today's score: (wrong + sigma(-AUM)) / (presentations + 1)."""
    return (s['wrong'] + sigmoid(-s['aum'])) / (s['p'] + 1)


def per_label(values, yn):
    """The mean of `values` over the examples of each assigned label, looked up per example."""
    means = np.array([values[yn == j].mean() if (yn == j).any() else 0.0 for j in range(K)])
    return means[yn]


def noise_rate(s):
    """Per assigned label: the share of its examples with score > 0.5 (a class noise-rate estimate)."""
    return per_label((score(s) > 0.5).astype(float), s['yn'])


def rank_within_label(values, yn):
    q = np.zeros(len(values))
    for j in range(K):
        idx = np.where(yn == j)[0]
        if len(idx):
            q[idx] = (np.argsort(np.argsort(values[idx], kind='stable'), kind='stable') + 0.5) / len(idx)
    return q


def transitions(s):
    """T[i, k]: share of the examples labeled i whose most predicted class is k (a confident joint,
    Northcutt et al. 2021, from prediction counts instead of probabilities)."""
    most = s['counts'].argmax(1)
    t = np.zeros((K, K))
    for i in range(K):
        idx = s['yn'] == i
        if idx.any():
            t[i] = np.bincount(most[idx], minlength=K) / idx.sum()
    return t


def pair_share(s):
    """T[label, most predicted other class] per example; 0 for an example never predicted wrong."""
    return np.where(s['topn'] > 0, transitions(s)[s['yn'], s['top']], 0.0)


def pair_weighted(s, c=0.3):
    return score(s) * (pair_share(s) + c)


def weighted_wrong(s, c=0.3):
    w = (pair_share(s) + c) / (1 + c)
    return (s['topn'] * w + (s['wrong'] - s['topn']) * c / (1 + c) + sigmoid(-s['aum'])) / (s['p'] + 1)


def posterior(s, alpha=0.5):
    """P(label flipped | x) with p(k|x) from prediction counts and the noise transition T[k -> label]
    from the confident joint (column-normalized)."""
    n = len(s['yn'])
    yn = s['yn']
    p = (s['counts'] + alpha) / (s['p'] + K * alpha)
    most = s['counts'].argmax(1)
    joint = np.array([np.bincount(most[yn == i], minlength=K) + 1.0 for i in range(K)])  # [label, class]
    noise = joint.T / joint.T.sum(1, keepdims=True)  # [true class, label]
    total = (p * noise[:, yn].T).sum(1)
    keep = p[np.arange(n), yn] * noise[yn, yn]
    return (total - keep) / total


def gated(s, tau=0.25, c=0.3):
    """pair_weighted, but only where the run shows a class pair: some T[i, k], k != i, >= tau."""
    t = transitions(s)
    np.fill_diagonal(t, 0)
    return pair_weighted(s, c) if t.max() >= tau else score(s)


def z_per_label(s):
    m = per_label(s['aum'], s['yn'])
    sd = np.sqrt(per_label((s['aum'] - m) ** 2, s['yn']))
    return -(s['aum'] - m) / sd


CANDIDATES = {
    'score (today)': score,
    '-AUM': lambda s: -s['aum'],
    'wrong share': lambda s: s['wrong'] / s['p'],
    'top other share': lambda s: s['topn'] / s['p'],
    '(top other + σ(-AUM))/(p+1)': lambda s: (s['topn'] + sigmoid(-s['aum'])) / (s['p'] + 1),
    '-AUM minus label mean': lambda s: -(s['aum'] - per_label(s['aum'], s['yn'])),
    '-AUM z per label': z_per_label,
    'score × ρ̂(label)': lambda s: score(s) * noise_rate(s),
    'score × √ρ̂(label)': lambda s: score(s) * np.sqrt(noise_rate(s)),
    'CL: rank in label + ρ̂': lambda s: rank_within_label(score(s), s['yn']) + noise_rate(s),
    'score × (T̂[label,top] + 0.3)': pair_weighted,
    'wrong events weighted by T̂': weighted_wrong,
    'posterior with T̂': posterior,
    'gated: × (T̂+0.3) if max T̂ ≥ 0.25': gated,
}


def short(name):
    return name.replace('-adam', '').replace('-b128', '')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'runs'))
    ap.add_argument('--plot')
    args = ap.parse_args()
    runs = {name: load(os.path.join(args.runs, name + '.npz')) for name in CLASS_PAIR + SYMMETRIC}

    def epochs(r):
        return sorted({10, 20, r['E']})

    results = {}  # (candidate, run, epoch) -> AUROC
    for name, r in runs.items():
        for e in epochs(r):
            s = stats(r, e)
            for cand, f in CANDIDATES.items():
                results[cand, name, e] = auroc(f(s), r['noisy'])
        print(f'<!-- {name} done -->', flush=True)

    def cell(cand, name):
        return ' / '.join(f'{results[cand, name, e]:.3f}' for e in epochs(runs[name]))

    print('Class-pair noise 40%: AUROC at epoch 10 / 20 / the last; (T) = tuning run\n')
    print('| candidate | ' + ' | '.join(f'{short(n)}{" (T)" if n in TUNING else ""}' for n in CLASS_PAIR) + ' |')
    print('|---|' + '---:|' * len(CLASS_PAIR))
    for cand in CANDIDATES:
        print(f'| {cand} | ' + ' | '.join(cell(cand, n) for n in CLASS_PAIR) + ' |')

    print('\nSymmetric noise: today\'s AUROC at epoch 10 / 20 / the last, and each candidate\'s worst change'
          ' from it over those epochs\n')
    print('| candidate | ' + ' | '.join(f'{short(n)}{" (T)" if n in TUNING else ""}' for n in SYMMETRIC) + ' |')
    print('|---|' + '---:|' * len(SYMMETRIC))
    print('| score (today) | ' + ' | '.join(cell('score (today)', n) for n in SYMMETRIC) + ' |')
    for cand in list(CANDIDATES)[1:]:
        print(f'| {cand} | ' + ' | '.join(
            f"{min(results[cand, n, e] - results['score (today)', n, e] for e in epochs(runs[n])):+.3f}"
            for n in SYMMETRIC) + ' |')

    print('\nSummary (held out = every run but the tuning pair)\n')
    print('| candidate | tuning class-pair run: min over the epochs | held-out class-pair: min | mean |'
          ' held-out symmetric: worst change from today |')
    print('|---|---:|---:|---:|---:|')
    for cand in CANDIDATES:
        tun = min(results[cand, TUNING[0], e] for e in epochs(runs[TUNING[0]]))
        held = [results[cand, n, e] for n in CLASS_PAIR if n not in TUNING for e in epochs(runs[n])]
        drop = min(results[cand, n, e] - results['score (today)', n, e]
                   for n in SYMMETRIC if n not in TUNING for e in epochs(runs[n]))
        print(f'| {cand} | {tun:.3f} | {min(held):.3f} | {np.mean(held):.3f} | {drop:+.3f} |')

    print('\nToday\'s score, split: flipped vs clean in the pair classes | flipped vs clean elsewhere'
          ' | ceiling (the first, with the second at 1.0: any re-weighting of the classes)')
    for name in CLASS_PAIR:
        r = runs[name]
        inpair = np.isin(r['yn'], PAIR_CLASSES)
        cells = []
        for e in epochs(r):
            sc = score(stats(r, e))
            outside = r['noisy'] | ~inpair
            within = auroc(sc[inpair], r['noisy'][inpair])
            clean_in, clean_out = (inpair & ~r['noisy']).sum(), (~inpair).sum()
            ceiling = (clean_in * within + clean_out) / (clean_in + clean_out)
            cells.append(f'@{e}: {within:.3f} | {auroc(sc[outside], r["noisy"][outside]):.3f} | {ceiling:.3f}')
        print(f'- {short(name)}: ' + '; '.join(cells))

    if args.plot:
        plot(runs, args.plot)


def plot(runs, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    shown = ['score (today)', 'score × (T̂[label,top] + 0.3)', 'gated: × (T̂+0.3) if max T̂ ≥ 0.25', 'posterior with T̂']
    pick = [('class-pair noise 40%', ['mlp-f10k-b128-adam-a40-s2', 'mlp-f3k-b128-adam-a40-s1', 'cnn-f10k-b128-adam-a40-s1']),
            ('symmetric noise 40%', ['mlp-f10k-b128-adam-s40-s2', 'mlp-f3k-b128-adam-s40-s1', 'cnn-f10k-b128-adam-s40-s1'])]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    styles = ['-', '--', ':']
    colors = ['black', 'tab:blue', 'tab:green', 'tab:orange']
    for ax, (title, names) in zip(axes, pick):
        for name, ls in zip(names, styles):
            r = runs[name]
            es = list(range(2, r['E'] + 1))
            ss = [stats(r, e) for e in es]
            for cand, col in zip(shown, colors):
                ax.plot(es, [auroc(CANDIDATES[cand](s), r['noisy']) for s in ss], ls, color=col,
                        label=f'{cand} — {short(name)}')
        ax.axhline(0.90, color='grey', lw=0.5)
        ax.set_title(f'{title} (held-out recordings)')
        ax.set_xlabel('epoch')
        ax.set_ylim(0.70, 1.0)
        ax.legend(fontsize=6.5, loc='lower right')
    axes[0].set_ylabel('AUROC against the flipped labels')
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == '__main__':
    main()
