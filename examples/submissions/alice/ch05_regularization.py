# %% [markdown]
# # PCS 5022 — Capítulo 5: Regularização / Chapter 5: Regularization
#
# **PT.** Implemente as funções e a classe abaixo sem mudar nomes nem assinaturas (elas são o
# contrato com o corretor automático). Use PyTorch, numpy e scikit-learn (só para carregar os
# dígitos). Rode `grade check ch05_regularization ch05_regularization.py` para as verificações
# públicas; as ocultas testam propriedades (invariâncias, casos de fronteira, parâmetros congelados)
# e o corretor mede ele mesmo a acurácia dos modelos que você devolver.
#
# **EN.** Implement the functions and the class below without changing names or signatures (they
# are the contract with the autograder). Use PyTorch, numpy and scikit-learn (only to load the
# digits). Run `grade check ch05_regularization ch05_regularization.py` for the public checks;
# hidden ones test properties (invariances, boundary cases, frozen parameters), and the grader
# measures the accuracy of the models you return by itself.

# %%
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 5.1 Ensemble por média / Averaging ensemble
#
# **PT.** Um *ensemble* combina vários modelos treinados separadamente; a média das previsões reduz
# a variância e funciona como regularização. Escreva a classe `AveragingEnsemble(members)`, um
# `nn.Module` que recebe uma lista (ou tupla) de modelos de classificação que devolvem *logits*
# `(n, k)` e cujo `forward(x)` devolve a **média das probabilidades softmax** dos membros,
#
# $$p(y \mid x) = \frac{1}{M} \sum_{m=1}^{M} \operatorname{softmax}(f_m(x)),$$
#
# um tensor `(n, k)` cujas linhas somam 1. Os membros devem ser registrados como submódulos (seus
# parâmetros aparecem em `state_dict()`, e `.eval()`/`.train()` se propagam a eles); logits muito
# grandes não podem produzir NaN. Depois, `train_ensemble(X, y, n_members, seed)` treina
# `n_members` MLPs pequenos e diferentes entre si (sementes e/ou amostras bootstrap distintas) em
# `(X, y)` e devolve o `AveragingEnsemble` deles em modo `eval`; o corretor mede a acurácia em dígitos
# que você não viu (nota cheia a partir de 0.9, nenhuma em 0.5 ou abaixo). Na parte escrita, defina
# formalmente a estratégia de ensemble adotada e compare o ensemble com um único membro.
#
# **EN.** An *ensemble* combines several separately trained models; averaging their predictions
# reduces variance and acts as a regulariser. Write the class `AveragingEnsemble(members)`, an
# `nn.Module` that takes a list (or tuple) of classifiers returning *logits* `(n, k)` and whose
# `forward(x)` returns the **mean of the members' softmax probabilities** (formula above), an
# `(n, k)` tensor whose rows sum to 1. Members must be registered as submodules (their parameters
# appear in `state_dict()`, and `.eval()`/`.train()` reach them); very large logits must not produce
# NaN. Then `train_ensemble(X, y, n_members, seed)` trains `n_members` small MLPs that differ from
# each other (different seeds and/or bootstrap samples) on `(X, y)` and returns their
# `AveragingEnsemble` in `eval` mode; the grader measures its accuracy on digits you have not seen
# (full marks from 0.9, none at 0.5 or below). In the written part, define formally the ensemble
# strategy you adopted and compare the ensemble with a single member.


# %%
class AveragingEnsemble(nn.Module):
    """Mean of the members' softmax probabilities; members are registered submodules."""

    def __init__(self, members: Iterable[nn.Module]) -> None:
        raise NotImplementedError("Implemente esta função / implement this function")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("Implemente esta função / implement this function")


def train_ensemble(
    X: np.ndarray, y: np.ndarray, n_members: int = 3, seed: int = 0
) -> AveragingEnsemble:
    """Train ``n_members`` different small MLPs on (X, y); return their ensemble in eval mode."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: ensemble_definition (5.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 5.2 Períodos críticos / Critical periods
#
# **PT.** Períodos críticos são fases iniciais do treino em que a regularização mais importa
# (Golatkar et al., NeurIPS 2019; Kleinman et al., 2023/2024). Monte o experimento que os procura:
# `critical_period_experiment(X_train, y_train, removal_epochs, epochs, seed)` recebe dígitos de
# treino (`X_train` float32 `(n, 64)`, pixels de `load_digits` já divididos por 16; `y_train`
# rótulos 0..9) e, para **cada** `t` em `removal_epochs`, treina um MLP pequeno em
# `(X_train, y_train)` por `epochs` épocas com **aumento de dados** nas entradas (por exemplo, ruído
# gaussiano somado aos pixels) **só nas primeiras `t` épocas**, e sem ele nas demais: `t = 0` nunca
# aumenta, `t = epochs` aumenta o treino inteiro. Todos os treinos partem da **mesma**
# inicialização, fixada por `seed`, e cada modelo depende só de `t` e de `seed`: não de quais
# outros `t` foram pedidos nem da ordem deles (reinicie sementes e geradores a cada treino). Devolva
# `{t: modelo}` com exatamente os `t` pedidos (chaves `int`), cada modelo um `nn.Module` em modo
# `eval` que leva `(m, 64)` float32 a logits `(m, 10)`; a mesma chamada devolve os mesmos modelos; um
# `t` fora de `0..epochs` levanta `ValueError`; não modifique as entradas. Você **não** mede acurácia:
# o corretor escolhe os dígitos de treino, guarda dígitos de teste que seus modelos nunca viram e
# mede ele mesmo a acurácia de cada modelo (com `epochs=3` e algumas centenas de dígitos, o melhor
# modelo deve chegar a 0.8 para nota cheia; nenhuma nota em 0.3 ou abaixo; o acaso é 0.1). Também
# verifica que o aumento muda o modelo (`t = 0` e `t = epochs` dão modelos diferentes). O custo deve
# ficar em poucos segundos. Na parte escrita, rode o experimento você mesmo (meça a acurácia de
# cada modelo em dígitos separados, com algumas sementes e mais épocas), diga se períodos críticos
# aparecem e interprete a curva acurácia x `t`.
#
# **EN.** Critical periods are early phases of training in which regularisation matters most
# (Golatkar et al., NeurIPS 2019; Kleinman et al., 2023/2024). Build the experiment that looks for
# them: `critical_period_experiment(X_train, y_train, removal_epochs, epochs, seed)` receives
# training digits (`X_train` float32 `(n, 64)`, `load_digits` pixels already divided by 16;
# `y_train` labels 0..9) and, for **each** `t` in `removal_epochs`, trains a small MLP on
# `(X_train, y_train)` for `epochs` epochs with input **data augmentation** (e.g. Gaussian noise
# added to the pixels) **during the first `t` epochs only**, and without it afterwards: `t = 0`
# never augments, `t = epochs` augments the whole run. Every run starts from the **same**
# initialisation, fixed by `seed`, and each model depends on `t` and `seed` only: not on which other
# `t`s were requested nor on their order (reset seeds and generators for every run). Return
# `{t: model}` with exactly the requested `t`s (`int` keys), each model an `nn.Module` in `eval`
# mode mapping `(m, 64)` float32 to `(m, 10)` logits; the same call returns the same models; a `t`
# outside `0..epochs` raises `ValueError`; leave the inputs unchanged. You do **not** measure
# accuracy: the grader chooses the training digits, keeps test digits your models never saw and
# measures every model's accuracy itself (with `epochs=3` and a few hundred digits, the best model
# must reach 0.8 for full marks; nothing at 0.3 or below; chance is 0.1). It also checks that
# augmentation changes the model (`t = 0` and `t = epochs` give different models). Keep it cheap: a
# few seconds. In the written part, run the experiment yourself (measure each model's accuracy on
# held-out digits, over a few seeds and more epochs), say whether critical periods appear and
# interpret the accuracy-versus-`t` curve.


# %%
def critical_period_experiment(
    X_train: np.ndarray,
    y_train: np.ndarray,
    removal_epochs: Sequence[int],
    epochs: int = 8,
    seed: int = 0,
) -> dict[int, nn.Module]:
    """{t: small MLP trained on (X_train, y_train) for ``epochs`` epochs from the same seeded
    initialisation, with input-noise augmentation during the first t epochs only}, in eval mode."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: critical_period_discussion (5.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 5.3 Métricas da dinâmica de treino / Training-dynamics metrics (★)
#
# **PT.** O projeto de pesquisa sobre períodos críticos propõe detectar o fim deles quando métricas
# da dinâmica de treino param de variar. Todas usam a similaridade cosseno
# $\cos(A, B) = A \cdot B / (\lVert A \rVert \lVert B \rVert)$ de vetores achatados (*flattened*):
#
# - `gradient_confusion(g_a, g_b)`: o cosseno entre os gradientes de dois lotes (*batches*)
#   distintos da mesma época (Sankararaman et al., ICML 2020), em [-1, 1].
# - `gradient_predictability(g_now, g_next)`: o mesmo cosseno, agora entre o gradiente de um passo
#   de treino `i` e o do passo seguinte `i + 1` (Chen et al., ICLR 2023): 1 quando a direção do
#   próximo gradiente é prevista pelo atual, -1 quando ela se inverte (oscilação).
# - `layer_rotation(init_state, state)`: para **cada** chave de `init_state` (um dicionário
#   nome -> tensor, como `state_dict()` ou `dict(model.named_parameters())`), a distância cosseno
#   `1 - cos(w_0, w_t)` entre o tensor inicial e o atual (Carbonnelle & De Vleeschouwer, 2019), em
#   [0, 2]; devolve `{nome: float}` com as mesmas chaves de `init_state`.
# - `critical_period_end(history, threshold, patience)`: dada uma sequência de valores de uma
#   métrica, um por época (`history[i]` é a época `i`, começando em 0), devolve a primeira época `i`
#   tal que `|history[j] - history[j-1]| <= threshold` para todo `j` em `i+1, ..., i+patience`, ou
#   `None` se não houver (em particular quando o histórico é curto demais). `patience >= 1`.
#
# Gradientes podem ser um tensor (qualquer forma), uma lista/tupla de tensores (um por parâmetro;
# são concatenados achatados, na ordem) ou um dicionário nome -> tensor (os dois dicionários são
# pareados **por chave**, não pela ordem de inserção). Tamanhos diferentes ou chaves diferentes
# levantam `ValueError`; um vetor (ou tensor de `layer_rotation`) todo zero também, pois o cosseno
# não está definido. Arredondamentos não podem tirar o resultado do intervalo: limite-o
# (*clamp*). Devolva `float` do Python e não modifique as entradas. Parte escrita (★): proponha uma
# técnica para identificar a época em que o período crítico termina usando essas métricas e
# compare-a com o experimento de 5.2.
#
# **EN.** The research project on critical periods proposes detecting their end when
# training-dynamics metrics stop changing. All of them use the cosine similarity
# $\cos(A, B) = A \cdot B / (\lVert A \rVert \lVert B \rVert)$ of flattened vectors:
#
# - `gradient_confusion(g_a, g_b)`: the cosine between the gradients of two distinct batches of the
#   same epoch (Sankararaman et al., ICML 2020), in [-1, 1].
# - `gradient_predictability(g_now, g_next)`: the same cosine, now between the gradient at training
#   step `i` and the one at the next step `i + 1` (Chen et al., ICLR 2023): 1 when the next
#   gradient's direction is predicted by the current one, -1 when it flips (oscillation).
# - `layer_rotation(init_state, state)`: for **every** key of `init_state` (a dict name -> tensor,
#   such as `state_dict()` or `dict(model.named_parameters())`), the cosine distance
#   `1 - cos(w_0, w_t)` between the initial and the current tensor (Carbonnelle & De Vleeschouwer,
#   2019), in [0, 2]; returns `{name: float}` with the keys of `init_state`.
# - `critical_period_end(history, threshold, patience)`: given a sequence of values of a metric, one
#   per epoch (`history[i]` is epoch `i`, from 0), returns the first epoch `i` such that
#   `|history[j] - history[j-1]| <= threshold` for every `j` in `i+1, ..., i+patience`, or `None`
#   if there is none (in particular when the history is too short). `patience >= 1`.
#
# Gradients may be a tensor (any shape), a list/tuple of tensors (one per parameter; concatenated,
# flattened, in order) or a dict name -> tensor (the two dicts are paired **by key**, not by
# insertion order). Different sizes or different keys raise `ValueError`; so does an all-zero vector
# (or an all-zero tensor in `layer_rotation`), since the cosine is undefined. Rounding must not take
# the result out of its interval: clamp it. Return a Python `float` and leave the inputs unchanged.
# Written part (★): propose a technique that identifies the epoch at which the critical period ends
# using these metrics, and compare it with the experiment of 5.2.


# %%
def gradient_confusion(g_a: object, g_b: object) -> float:
    """Cosine similarity of two flattened gradients, in [-1, 1]."""
    raise NotImplementedError("Implemente esta função / implement this function")


def gradient_predictability(g_now: object, g_next: object) -> float:
    """Cosine similarity between the gradient at step i and at step i + 1, in [-1, 1]."""
    raise NotImplementedError("Implemente esta função / implement this function")


def layer_rotation(
    init_state: Mapping[str, torch.Tensor], state: Mapping[str, torch.Tensor]
) -> dict[str, float]:
    """{name: 1 - cos(flat init_state[name], flat state[name])} for every key of init_state."""
    raise NotImplementedError("Implemente esta função / implement this function")


def critical_period_end(history: Sequence[float], threshold: float, patience: int) -> int | None:
    """First epoch i whose next ``patience`` epoch-to-epoch changes are all <= threshold."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: critical_period_end_technique (5.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 5.4 Treinando só a BatchNorm / Training BatchNorm only
#
# **PT.** Frankle et al. (ICLR 2021) mostraram que treinar **apenas** os parâmetros afins (`weight`
# e `bias`, isto é, gamma e beta) das camadas de BatchNorm de uma rede com os demais pesos
# aleatórios e congelados já dá acurácia não trivial. Escreva `freeze_all_but_batchnorm(model)`: ao
# final, exatamente os parâmetros de camadas BatchNorm (`BatchNorm1d/2d/3d`; não `LayerNorm` nem
# `GroupNorm`) têm `requires_grad=True` (mesmo que chegassem congelados) e todos os outros `False`;
# nenhum valor muda; devolve o modelo. Depois, `train_batchnorm_only(model, X, y, epochs, seed)`
# congela o modelo dessa forma, treina só a BatchNorm em `(X, y)` (arrays numpy: `X` float32
# `(n, d)`, `y` inteiros) por `epochs` épocas e devolve o modelo treinado, **a mesma arquitetura**
# (o corretor carrega o seu `state_dict()` em uma cópia dele e mede a acurácia em dígitos que você
# não viu: nota cheia a partir de 0.6, nenhuma em 0.2 ou abaixo). Nenhum outro parâmetro pode mudar,
# nem um bit; o resultado deve ser o mesmo para a mesma `seed`.
#
# **EN.** Frankle et al. (ICLR 2021) showed that training **only** the affine parameters (`weight`
# and `bias`, i.e. gamma and beta) of the BatchNorm layers of a network whose other weights stay
# random and frozen already gives non-trivial accuracy. Write `freeze_all_but_batchnorm(model)`:
# afterwards, exactly the parameters of BatchNorm layers (`BatchNorm1d/2d/3d`; not `LayerNorm` nor
# `GroupNorm`) have `requires_grad=True` (even if they came in frozen) and every other one `False`;
# no value changes; it returns the model. Then `train_batchnorm_only(model, X, y, epochs, seed)`
# freezes the model that way, trains only the BatchNorm on `(X, y)` (numpy arrays: `X` float32
# `(n, d)`, `y` integers) for `epochs` epochs and returns the trained model, **the same
# architecture** (the grader loads your `state_dict()` into its own copy and measures the accuracy
# on digits you have not seen: full marks from 0.6, none at 0.2 or below). No other parameter may
# change, not even by one bit; the result must be the same for the same `seed`.


# %%
def freeze_all_but_batchnorm(model: nn.Module) -> nn.Module:
    """Afterwards exactly the BatchNorm weights and biases require grad; returns the model."""
    raise NotImplementedError("Implemente esta função / implement this function")


def train_batchnorm_only(
    model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int, seed: int
) -> nn.Module:
    """Train only the BatchNorm affine parameters of ``model`` on (X, y); return it in eval mode."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: batchnorm_only_discussion (5.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# ---- my solutions (they replace the stub functions above) ----
"""A correct solution written differently: members added with add_module and combined in log space
(logsumexp), differently sized members with dropout trained by SGD, uniform pixel noise with AdamW
for the critical-period experiment, numpy float64 metrics with dicts paired by sorted keys, a vectorised
sliding window for critical_period_end, and BatchNorm-only training with SGD and momentum.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class AveragingEnsemble(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.count = 0
        for member in members:
            self.add_module(f"member{self.count}", member)
            self.count += 1

    def forward(self, x):
        log_probs = torch.stack(
            [F.log_softmax(getattr(self, f"member{i}")(x), dim=1) for i in range(self.count)]
        )
        return torch.exp(torch.logsumexp(log_probs, dim=0) - math.log(self.count))


def train_ensemble(X, y, n_members=3, seed=0):
    X = torch.tensor(np.asarray(X), dtype=torch.float32)
    y = torch.tensor(np.asarray(y), dtype=torch.long)
    members = []
    for k in range(n_members):
        torch.manual_seed(1000 * seed + k)
        width = 48 + 16 * k
        member = nn.Sequential(
            nn.Linear(X.shape[1], width), nn.ReLU(), nn.Dropout(0.1), nn.Linear(width, 10)
        )
        optimizer = torch.optim.SGD(member.parameters(), lr=0.1, momentum=0.9)
        for _ in range(10):
            for batch in torch.randperm(len(X)).split(32):
                optimizer.zero_grad()
                F.cross_entropy(member(X[batch]), y[batch]).backward()
                optimizer.step()
        members.append(member)
    ensemble = AveragingEnsemble(members)
    ensemble.eval()
    return ensemble


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    """Uniform pixel noise (numpy) in the first t epochs; AdamW; one deep copy of a seeded
    initial network per run."""
    import copy

    wanted = [int(t) for t in removal_epochs]
    bad = [t for t in wanted if t < 0 or t > epochs]
    if bad:
        raise ValueError(f"removal epochs {bad} are outside 0..{epochs}")
    X = np.array(X_train, dtype=np.float32, copy=True)
    y = torch.as_tensor(np.array(y_train, dtype=np.int64))
    torch.manual_seed(10_000 + seed)
    start = nn.Sequential(
        nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)
    )
    trained = {}
    for t in wanted:
        model = copy.deepcopy(start)
        rng = np.random.default_rng([seed, 7])
        optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=1e-3)
        for epoch in range(epochs):
            for batch in np.array_split(rng.permutation(len(X)), max(1, len(X) // 24)):
                x = X[batch]
                if epoch < t:
                    x = np.clip(x + rng.uniform(-0.4, 0.4, size=x.shape), 0.0, 1.0)
                optimizer.zero_grad()
                loss = F.cross_entropy(model(torch.from_numpy(x.astype(np.float32))), y[batch])
                loss.backward()
                optimizer.step()
        trained[t] = model.eval()
    return trained


def _vector(g):
    if isinstance(g, torch.Tensor):
        return g.detach().cpu().double().numpy().ravel()
    return np.concatenate([_vector(part) for part in g]) if len(g) else np.zeros(0)


def _vectors(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or sorted(a) != sorted(b):
            raise ValueError("dict gradients need the same keys")
        keys = sorted(a)
        return _vector([a[k] for k in keys]), _vector([b[k] for k in keys])
    return _vector(a), _vector(b)


def _cos(u, v):
    if u.shape != v.shape:
        raise ValueError("gradients of different sizes")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0.0 or nv == 0.0:
        raise ValueError("zero gradient")
    return float(np.clip(u @ v / (nu * nv), -1.0, 1.0))


def gradient_confusion(g_a, g_b):
    return _cos(*_vectors(g_a, g_b))


def gradient_predictability(g_now, g_next):
    return _cos(*_vectors(g_now, g_next))


def layer_rotation(init_state, state):
    return {
        key: float(np.clip(1.0 - _cos(_vector(value), _vector(state[key])), 0.0, 2.0))
        for key, value in init_state.items()
    }


def critical_period_end(history, threshold, patience):
    h = np.asarray(history, dtype=float)
    if len(h) < patience + 1:
        return None
    stable = (np.abs(np.diff(h)) <= threshold).astype(int)
    windows = np.convolve(stable, np.ones(patience, dtype=int), mode="valid")
    hits = np.flatnonzero(windows == patience)
    return int(hits[0]) if len(hits) else None


BATCHNORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)


def freeze_all_but_batchnorm(model):
    for parameter in model.parameters():
        parameter.requires_grad = False
    for _, module in model.named_modules():
        if isinstance(module, BATCHNORMS):
            for parameter in module.parameters():
                parameter.requires_grad = True
    return model


def train_batchnorm_only(model, X, y, epochs, seed):
    model = freeze_all_but_batchnorm(model)
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    optimizer = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1, momentum=0.9
    )
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X) - 1, 32):
            batch = order[start : start + 32]
            if len(batch) < 2:
                continue
            optimizer.zero_grad()
            loss = F.cross_entropy(model(torch.from_numpy(X[batch])), torch.from_numpy(y[batch]))
            loss.backward()
            optimizer.step()
    return model
