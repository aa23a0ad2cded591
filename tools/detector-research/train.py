"""Research harness: train a small net on an IDX dataset with label noise and record, per epoch and
per training example, the prediction/loss/margin seen in the training forward pass (what Rote's
telemetry carries), plus clean test accuracy at each epoch end (and at quarter epochs)."""
import argparse, gzip, os, struct, time, json
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F

torch.set_num_threads(1)

def read_idx(path):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('>I', data[:4])[0]
    nd = magic & 0xff
    dims = struct.unpack('>' + 'I' * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

def load(dirname):
    def f(name):
        for cand in (name + '.gz', name):
            p = os.path.join(dirname, cand)
            if os.path.exists(p):
                return read_idx(p)
        raise FileNotFoundError(name)
    return (f('train-images-idx3-ubyte'), f('train-labels-idx1-ubyte'),
            f('t10k-images-idx3-ubyte'), f('t10k-labels-idx1-ubyte'))

PAIRS = {'fashion': [(0, 6), (2, 4), (5, 7)], 'mnist': [(7, 1), (2, 7), (5, 6), (6, 5), (3, 8)]}

def noisy_labels(y, k, mode, r, seed, dataset):
    rng = np.random.default_rng(seed)
    y2 = y.copy()
    if r <= 0:
        return y2
    if mode == 'sym':
        n = len(y)
        m = int(round(r * n))
        idx = rng.choice(n, m, replace=False)
        off = rng.integers(1, k, size=m)
        y2[idx] = (y[idx] + off) % k
    elif mode == 'asym':
        pairs = PAIRS[dataset]
        pairs = pairs + [(b, a) for a, b in pairs] if dataset == 'fashion' else pairs
        for a, b in pairs:
            idx = np.where(y == a)[0]
            m = int(round(r * len(idx)))
            sel = rng.choice(idx, m, replace=False)
            y2[sel] = b
    return y2

class MLP(nn.Module):
    def __init__(self, d, k, hidden=(512, 512)):
        super().__init__()
        layers = []
        for h in hidden:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(d, k)
    def forward(self, x):
        return self.out(self.body(x.flatten(1)))

class CNN(nn.Module):
    def __init__(self, k, c=1):
        super().__init__()
        self.c1 = nn.Conv2d(c, 16, 3, padding=1)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 7 * 7, 128)
        self.out = nn.Linear(128, k)
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.out(F.relu(self.fc(x.flatten(1))))

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.ba = nn.BatchNorm2d(cout)
        self.b = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.bb = nn.BatchNorm2d(cout)
        self.s = None
        if stride != 1 or cin != cout:
            self.s = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    def forward(self, x):
        y = F.relu(self.ba(self.a(x)))
        y = self.bb(self.b(y))
        return F.relu(y + (x if self.s is None else self.s(x)))

class ResNet(nn.Module):
    def __init__(self, k, c=1, w=16):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(c, w, 3, 1, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU())
        self.l1 = Block(w, w, 1); self.l2 = Block(w, 2 * w, 2); self.l3 = Block(2 * w, 4 * w, 2)
        self.out = nn.Linear(4 * w, k)
    def forward(self, x):
        x = self.l3(self.l2(self.l1(self.stem(x))))
        return self.out(F.adaptive_avg_pool2d(x, 1).flatten(1))

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--dataset', default='fashion')
    p.add_argument('--n', type=int, default=10000)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--model', default='mlp')
    p.add_argument('--opt', default='adam')
    p.add_argument('--lr', type=float, default=None)
    p.add_argument('--noise', default='sym')
    p.add_argument('--r', type=float, default=0.4)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--out', required=True)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = load(a.data)
    xtr = xtr[:a.n] if a.n > 0 else xtr
    ytr = ytr[:a.n].astype(np.int64) if a.n > 0 else ytr.astype(np.int64)
    k = 10
    yn = noisy_labels(ytr, k, a.noise, a.r, a.seed, a.dataset)
    n = len(ytr)
    X = torch.tensor(xtr, dtype=torch.float32).unsqueeze(1) / 255.
    Xt = torch.tensor(xte, dtype=torch.float32).unsqueeze(1) / 255.
    Y = torch.tensor(yn)
    Yt = torch.tensor(yte.astype(np.int64))
    if a.model == 'mlp':
        net = MLP(784, k)
    elif a.model == 'cnn':
        net = CNN(k)
    else:
        net = ResNet(k)
    feats = {}
    net.out.register_forward_hook(lambda mod, inp, out: feats.__setitem__('h', inp[0]))
    def lid(h, k=20):
        d = torch.cdist(h, h)
        d, _ = d.sort(1)
        d = d[:, 1:k + 1].clamp_min(1e-12)
        v = -1.0 / (torch.log(d / d[:, -1:]).mean(1) - 1e-12)
        return v[torch.isfinite(v)].mean().item()
    lids = []
    steps_per_epoch = (n + a.batch - 1) // a.batch
    total = steps_per_epoch * a.epochs
    if a.opt == 'adam':
        opt = torch.optim.Adam(net.parameters(), lr=a.lr or 3e-4)
        sched = None
    else:
        opt = torch.optim.SGD(net.parameters(), lr=a.lr or 0.05, momentum=0.9, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, total)
    E = a.epochs
    pred = np.full((E, n), -1, np.int8)
    loss = np.zeros((E, n), np.float16)
    margin = np.zeros((E, n), np.float16)
    second = np.full((E, n), -1, np.int8)
    test = []
    quarter = max(1, steps_per_epoch // 4)
    g = torch.Generator().manual_seed(a.seed)
    t0 = time.time()
    step = 0
    snaps = []
    def evaluate(model=None):
        model = model or net
        model.eval()
        c = 0
        with torch.no_grad():
            for i in range(0, len(Yt), 1000):
                c += (model(Xt[i:i + 1000]).argmax(1) == Yt[i:i + 1000]).sum().item()
        net.train()
        return c / len(Yt)
    import copy
    avg_acc = []
    for e in range(E):
        perm = torch.randperm(n, generator=g)
        for s in range(steps_per_epoch):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            out = net(X[idx])
            l = F.cross_entropy(out, Y[idx], reduction='none')
            opt.zero_grad()
            l.mean().backward()
            opt.step()
            if sched:
                sched.step()
            step += 1
            with torch.no_grad():
                o = out.detach()
                pr = o.argmax(1)
                lab = o.gather(1, Y[idx].unsqueeze(1)).squeeze(1)
                o2 = o.clone()
                o2.scatter_(1, Y[idx].unsqueeze(1), -1e9)
                oth, oth_idx = o2.max(1)
                ii = idx.numpy()
                pred[e, ii] = pr.numpy()
                loss[e, ii] = l.detach().numpy()
                margin[e, ii] = (lab - oth).numpy()
                second[e, ii] = oth_idx.numpy()
                if len(ii) > 21:
                    lids.append((e, lid(feats['h'].detach())))
            if (s + 1) % quarter == 0 and (s + 1) != steps_per_epoch and steps_per_epoch >= 40:
                test.append((step, evaluate()))
        acc = evaluate()
        test.append((step, acc))
        snaps.append({k: v.detach().clone() for k, v in net.state_dict().items()})
        snaps[:] = snaps[-5:]
        row = []
        for w in (3, 5):
            if len(snaps) >= w:
                m = copy.deepcopy(net)
                sd = {k: (sum(sp[k].float() for sp in snaps[-w:]) / w).to(snaps[-1][k].dtype) for k in snaps[-1]}
                m.load_state_dict(sd)
                row.append(evaluate(m))
            else:
                row.append(float('nan'))
        avg_acc.append(row)
        print(f'epoch {e + 1} step {step} test {acc:.4f} train(noisy) {(pred[e] == yn).mean():.4f} '
              f'pc {(pred[e] != pred[e - 1]).sum() if e else -1} t {time.time() - t0:.0f}s', flush=True)
    np.savez_compressed(a.out, pred=pred, loss=loss, margin=margin, second=second, y=ytr, yn=yn,
                        test=np.array(test), avg_acc=np.array(avg_acc), lid=np.array(lids), meta=json.dumps(vars(a)), spe=steps_per_epoch)

if __name__ == '__main__':
    main()
