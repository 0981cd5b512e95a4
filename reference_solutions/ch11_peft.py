# %% [markdown]
# # PCS 5022 — Capítulo 11: Ajuste fino eficiente em parâmetros (LoRA) / Chapter 11: Parameter-efficient fine-tuning (LoRA)
#
# **PT.** Implemente as funções e a classe abaixo sem mudar seus nomes nem suas assinaturas (elas
# são o contrato com o corretor automático). Rode `grade check ch11_peft ch11_peft.py` para as
# verificações públicas. Notação: uma camada `nn.Linear` tem peso `W0` (out x in) e viés `b`
# (out,); LoRA acrescenta `ΔW = (alpha / r) B A`, com `A` (r x in) e `B` (out x r).
#
# **EN.** Implement the functions and the class below without changing their names or signatures
# (they are the contract with the autograder). Run `grade check ch11_peft ch11_peft.py` for the
# public checks. Notation: an `nn.Linear` layer has weight `W0` (out x in) and bias `b` (out,);
# LoRA adds `ΔW = (alpha / r) B A`, with `A` (r x in) and `B` (out x r).

# %%
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 11.1 Uma camada LoRA / A LoRA layer
#
# **PT.** Escreva a classe `LoRALinear(base, r, alpha)` (um `nn.Module`) que envolve a camada
# `base` (`nn.Linear`):
#
# * `r < 1` levanta `ValueError`;
# * o módulo tem **exatamente dois tensores treináveis** (`requires_grad=True`), de formas
#   `(r, in)` (A) e `(out, r)` (B): `r * (in + out)` parâmetros treináveis ao todo; o corretor os
#   encontra pela forma, não pelo nome;
# * `A` começa aleatório (diferente de zero, por exemplo `kaiming_uniform_`) e `B` começa em zero,
#   de modo que, na inicialização, a saída é exatamente a de `base`;
# * o peso e o viés de `base` ficam congelados: não são treináveis e passos de um otimizador sobre
#   `LoRALinear(...).parameters()` não os mudam. Você pode marcar os parâmetros de `base` com
#   `requires_grad=False` (ou guardar uma cópia), mas nunca mudar os valores da camada recebida;
# * `merged_weight()` devolve `W0 + (alpha / r) B A` (out x in);
# * `forward(x)` devolve `x @ merged_weight().T + b` (sem viés se `base.bias` for `None`), para
#   quaisquer valores de A e B (o corretor os troca por valores escolhidos por ele).
#
# **EN.** Write the class `LoRALinear(base, r, alpha)` (an `nn.Module`) that wraps the layer
# `base` (`nn.Linear`):
#
# * `r < 1` raises `ValueError`;
# * the module has **exactly two trainable tensors** (`requires_grad=True`), of shapes `(r, in)`
#   (A) and `(out, r)` (B): `r * (in + out)` trainable parameters in all; the grader finds them by
#   shape, not by name;
# * `A` starts random (non-zero, e.g. `kaiming_uniform_`) and `B` starts at zero, so that at
#   initialisation the output is exactly `base`'s;
# * `base`'s weight and bias are frozen: not trainable, and optimiser steps over
#   `LoRALinear(...).parameters()` leave them unchanged. You may set `requires_grad=False` on
#   `base`'s parameters (or keep a copy), but never change the values of the layer you are given;
# * `merged_weight()` returns `W0 + (alpha / r) B A` (out x in);
# * `forward(x)` returns `x @ merged_weight().T + b` (no bias when `base.bias` is `None`), for any
#   values of A and B (the grader replaces them with values of its choosing).


# %%
class LoRALinear(nn.Module):
    """A frozen ``nn.Linear`` plus a trainable low-rank update ``(alpha / r) B A``."""

    def __init__(self, base: nn.Linear, r: int, alpha: float) -> None:
        super().__init__()
        # BEGIN SOLUTION
        if r < 1:
            raise ValueError(f"the rank r must be at least 1, got {r}")
        self.base = base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))  # as loralib and peft
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))  # output unchanged at init
        self.scaling = alpha / r
        # END SOLUTION

    def merged_weight(self) -> torch.Tensor:
        """``W0 + (alpha / r) B A`` (out, in)."""
        # BEGIN SOLUTION
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x @ merged_weight().T + bias``."""
        # BEGIN SOLUTION
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
        # END SOLUTION


# %% [markdown]
# ### Alocação de ranks por camada / Rank allocation per layer
#
# **PT.** Escreva `allocate_ranks(layer_shapes, scores, budget)`. `layer_shapes` leva o nome de
# cada camada à sua forma `(out, in)`; `scores` dá a cada camada uma importância (um float >= 0;
# as mesmas chaves); `budget` é o total de parâmetros LoRA permitido. Devolva `{nome: rank}` (um
# `int` por camada) tal que:
#
# 1. todo rank é >= 1 e o custo total `sum(r_l * (in_l + out_l))` é <= `budget`;
# 2. o orçamento é bem usado: nenhuma camada poderia ganhar +1 de rank sem estourar o orçamento
#    (para toda camada l, `custo + in_l + out_l > budget`);
# 3. os ranks seguem as importâncias: entre camadas de mesma forma, uma de importância
#    estritamente maior nunca recebe rank menor;
# 4. se o orçamento não dá rank 1 a todas as camadas, levante `ValueError`.
#
# (Não há teto de rank: numa camada pequena o rank pode passar de `min(in, out)`.) Depois responda
# a pergunta de pesquisa abaixo.
#
# **EN.** Write `allocate_ranks(layer_shapes, scores, budget)`. `layer_shapes` maps each layer's
# name to its shape `(out, in)`; `scores` gives each layer an importance (a float >= 0; the same
# keys); `budget` is the total number of LoRA parameters allowed. Return `{name: rank}` (one `int`
# per layer) such that:
#
# 1. every rank is >= 1 and the total cost `sum(r_l * (in_l + out_l))` is <= `budget`;
# 2. the budget is used well: no layer could get +1 rank without exceeding the budget (for every
#    layer l, `cost + in_l + out_l > budget`);
# 3. the ranks follow the scores: among layers of the same shape, one with a strictly higher score
#    never gets a smaller rank;
# 4. when the budget cannot give every layer rank 1, raise `ValueError`.
#
# (There is no rank cap: on a small layer the rank may exceed `min(in, out)`.) Then answer the
# research question below.


# %%
def allocate_ranks(
    layer_shapes: dict[str, tuple[int, int]], scores: dict[str, float], budget: int
) -> dict[str, int]:
    """A rank per layer that spends the LoRA parameter budget following the scores."""
    # BEGIN REMOVE
    # greedy: rank 1 each, then +1 where score / rank is largest and the layer still fits
    # END REMOVE
    # BEGIN SOLUTION
    names = sorted(layer_shapes)
    cost = {name: int(layer_shapes[name][0]) + int(layer_shapes[name][1]) for name in names}
    left = int(budget) - sum(cost.values())
    if left < 0:
        raise ValueError(f"a budget of {budget} cannot give every layer rank 1")
    ranks = dict.fromkeys(names, 1)
    while True:
        fitting = [name for name in names if cost[name] <= left]
        if not fitting:
            return ranks
        best = max(fitting, key=lambda name: (float(scores[name]) / ranks[name], -cost[name]))
        ranks[best] += 1
        left -= cost[best]
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: rank_per_layer (11.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Sim: camadas diferentes pedem ranks diferentes. Em AdaLoRA, a importância
# de cada tripla singular muda muito entre camadas (as projeções FFN e as camadas mais altas
# recebem mais rank), e com o mesmo orçamento a alocação adaptativa supera o r fixo. Um r adequado
# por camada pode vir de uma medida de importância (norma do gradiente da perda em relação a W,
# sensibilidade |W ⊙ ∇W|, ou o espectro da atualização ΔW de um fine-tuning curto: quantos valores
# singulares carregam 90% da energia) convertida em ranks sob o orçamento, como faz
# `allocate_ranks`: rank 1 para todos e depois +1 onde importância/rank é maior. Também se pode
# começar com r grande e podar durante o treino (AdaLoRA), ou treinar alguns passos e medir o rank
# efetivo de BA em cada camada.
#
# **Model answer.** Yes: layers prefer different ranks. In AdaLoRA the importance of the singular
# triplets varies a lot across layers (FFN projections and the top layers get more rank), and at
# the same budget adaptive allocation beats a fixed r. A suitable per-layer r can come from an
# importance measure (norm of the loss gradient with respect to W, the sensitivity |W ⊙ ∇W|, or
# the spectrum of the update ΔW of a short full fine-tuning: how many singular values carry 90% of
# its energy) turned into ranks under the budget, as `allocate_ranks` does: rank 1 for every layer,
# then +1 where importance/rank is largest. One can also start from a large r and prune while
# training (AdaLoRA), or train a few steps and measure the effective rank of BA in each layer.
# END REMOVE

# %% [markdown]
# ## 11.2 Quais camadas recebem LoRA? / Which layers get LoRA?
#
# **PT.** Escreva `choose_lora_layers(model, X, y, k)`: `model` é uma rede que leva `X` (tensor
# float32 n x in) a logits (n x classes), `y` são os rótulos (tensor int64); devolva os nomes (como
# em `model.named_modules()`) de `k` camadas `nn.Linear` **distintas** que devem receber LoRA,
# escolhidas por um critério que use os dados (explique-o na resposta). O corretor usa redes com
# nomes de camadas que você não conhece. `k < 1` ou `k` maior que o número de camadas `nn.Linear`
# levanta `ValueError`. Mesmos argumentos, mesma resposta. O modelo não pode mudar: parâmetros,
# buffers, `requires_grad`, modos train/eval, hooks, e nenhum `.grad` deixado nos parâmetros (use
# `torch.autograd.grad`, ou zere os gradientes com `None` ao fim).
#
# **EN.** Write `choose_lora_layers(model, X, y, k)`: `model` is a network mapping `X` (a float32
# tensor n x in) to logits (n x classes), `y` the labels (an int64 tensor); return the names (as in
# `model.named_modules()`) of `k` **distinct** `nn.Linear` layers that should receive LoRA, chosen
# by a criterion that uses the data (explain it in the answer). The grader uses networks with layer
# names you do not know. `k < 1` or `k` larger than the number of `nn.Linear` layers raises
# `ValueError`. Same arguments, same answer. The model must not change: parameters, buffers,
# `requires_grad`, train/eval modes, hooks, and no `.grad` left on the parameters (use
# `torch.autograd.grad`, or set the gradients back to `None` at the end).


# %%
def choose_lora_layers(model: nn.Module, X: torch.Tensor, y: torch.Tensor, k: int) -> list[str]:
    """Names of ``k`` distinct Linear layers of ``model`` that should receive LoRA, chosen from
    the data."""
    # BEGIN REMOVE
    # criterion: Frobenius norm of the loss gradient with respect to each Linear weight
    # END REMOVE
    # BEGIN SOLUTION
    linears = [(name, mod) for name, mod in model.named_modules() if isinstance(mod, nn.Linear)]
    if not 1 <= k <= len(linears):
        raise ValueError(f"k must be between 1 and {len(linears)}, got {k}")
    modes = {mod: mod.training for mod in model.modules()}
    model.eval()
    logits = model(torch.as_tensor(X, dtype=torch.float32))
    loss = nn.functional.cross_entropy(logits, torch.as_tensor(y, dtype=torch.int64))
    grads = torch.autograd.grad(loss, [mod.weight for _, mod in linears])
    for mod, training in modes.items():
        mod.training = training
    norms = [float(g.norm()) for g in grads]
    order = sorted(range(len(linears)), key=lambda i: (-norms[i], i))
    return [linears[i][0] for i in order[:k]]
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: layer_choice_criterion (11.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Critério: norma de Frobenius do gradiente da perda (entropia cruzada nos
# dados da tarefa) em relação ao peso de cada Linear. No início do LoRA, B = 0 e o gradiente de B é
# (alpha/r) ∇W Aᵀ: as camadas com ∇W grande são aquelas em que um ajuste de baixo rank reduz a
# perda mais depressa. Alternativas sistemáticas: sensibilidade |W ⊙ ∇W| (poda), treinar LoRA em
# todas as camadas por poucos passos e manter as k com maior ||BA||, ou medir a queda de acurácia
# ao retirar o LoRA de cada camada (como Zhou et al.). Limites: o gradiente mede só o primeiro
# passo e depende da escala de cada camada; normalizar pela norma do peso ou pelo número de
# parâmetros torna a comparação mais justa.
#
# **Model answer.** Criterion: the Frobenius norm of the loss gradient (cross-entropy on the task's
# data) with respect to each Linear's weight. At the start of LoRA, B = 0 and the gradient of B is
# (alpha/r) ∇W Aᵀ: layers with a large ∇W are those where a low-rank update lowers the loss
# fastest. Systematic alternatives: the sensitivity |W ⊙ ∇W| (pruning), training LoRA on every
# layer for a few steps and keeping the k with the largest ||BA||, or measuring the accuracy drop
# when each layer's LoRA is removed (as Zhou et al.). Limits: the gradient only sees the first step
# and depends on each layer's scale; normalising by the weight norm or the parameter count makes
# the comparison fairer.
# END REMOVE

# %% [markdown]
# ## 11.3 Combinar LoRAs por clusterização / Merging LoRAs by clustering
#
# **PT.** Escreva `merge_loras_by_clustering(loras, k, seed)`. `loras` é uma lista de pares `(A_j,
# B_j)` de tensores, `A_j` (r_j x n) e `B_j` (m x r_j) (mesmos n e m, ranks r_j quaisquer). Cada
# *unidade semântica mínima* é a linha i de `A_j` junto com a coluna i de `B_j` (`B_j A_j = sum_i
# b_i a_iᵀ`); represente-a pelo vetor `[a_i, b_i]` (n + m). Junte as unidades de todos os LoRAs,
# agrupe-as em `k` clusters por k-means (com inicialização k-means++, como faz
# `sklearn.cluster.KMeans`, para que grupos bem separados sejam sempre encontrados), com `seed` para
# toda aleatoriedade, e devolva `(A', B')`: a linha c de `A'` (k x n) e a coluna c de `B'` (m x k)
# são as partes a e b do centróide c, que é a **média simples** das unidades do cluster. Assim, com
# `k` igual ao rank total e unidades distintas, `B' A' = sum_j B_j A_j`; com unidades repetidas num
# cluster, a média não soma as repetições. A ordem dos centróides é livre (o corretor compara `B'
# A'`). `k < 1` ou `k` maior que o rank total levanta `ValueError`; as entradas não podem ser
# modificadas; mesma semente, mesma resposta. Depois responda a pergunta de pesquisa.
#
# **EN.** Write `merge_loras_by_clustering(loras, k, seed)`. `loras` is a list of pairs `(A_j, B_j)`
# of tensors, `A_j` (r_j x n) and `B_j` (m x r_j) (the same n and m, any ranks r_j). Each *minimum
# semantic unit* is row i of `A_j` together with column i of `B_j` (`B_j A_j = sum_i b_i a_iᵀ`);
# represent it by the vector `[a_i, b_i]` (n + m). Pool the units of all the LoRAs, group them into
# `k` clusters by k-means (with k-means++ initialisation, as `sklearn.cluster.KMeans` does, so that
# well-separated groups are always found), with `seed` for all randomness, and return `(A', B')`:
# row c of `A'` (k x n) and column c of `B'` (m x k) are the a and b parts of centroid c, the
# **plain mean** of the cluster's units. So, with `k` equal to the total rank and distinct units,
# `B' A' = sum_j B_j A_j`; with repeated units in one cluster, the mean does not add the repeats up.
# The order of the centroids is free (the grader compares `B' A'`). `k < 1` or `k` larger than the
# total rank raises `ValueError`; the inputs must not be modified; same seed, same answer. Then
# answer the research question.


# %%
# BEGIN REMOVE
def _kmeans(units: np.ndarray, k: int, rng: np.random.Generator, restarts: int = 8) -> np.ndarray:
    """Centroids (k, d) of the best of ``restarts`` Lloyd runs from k-means++ seeds."""
    best, best_inertia = None, np.inf
    for _ in range(restarts):
        centroids = [units[rng.integers(len(units))]]
        for _ in range(1, k):
            gaps = ((units[:, None, :] - np.array(centroids)[None]) ** 2).sum(-1).min(1)
            centroids.append(units[rng.choice(len(units), p=gaps / gaps.sum())])
        centroids = np.array(centroids)
        labels = None
        for _ in range(100):
            distances = ((units[:, None, :] - centroids[None]) ** 2).sum(-1)
            new_labels = distances.argmin(1)
            if labels is not None and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for c in range(k):
                if np.any(labels == c):
                    centroids[c] = units[labels == c].mean(0)
        inertia = float(((units - centroids[labels]) ** 2).sum())
        if inertia < best_inertia:
            best, best_inertia = centroids.copy(), inertia
    return best


# END REMOVE
def merge_loras_by_clustering(
    loras: list[tuple[torch.Tensor, torch.Tensor]], k: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(A', B'): k-means centroids of the pooled units [a_i, b_i], split back into A' and B'."""
    # BEGIN SOLUTION
    pairs = [(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64)) for A, B in loras]
    units = np.concatenate([np.concatenate([A, B.T], axis=1) for A, B in pairs])
    if not 1 <= k <= len(units):
        raise ValueError(f"k must be between 1 and the total rank {len(units)}, got {k}")
    n = pairs[0][0].shape[1]
    centroids = _kmeans(units, k, np.random.default_rng(seed))
    A_merged = torch.from_numpy(centroids[:, :n].copy()).float()
    B_merged = torch.from_numpy(centroids[:, n:].T.copy()).float()
    return A_merged, B_merged
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: centroid_quality (11.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** A média de unidades parecidas mas não idênticas encolhe a norma do
# centróide (vetores em direções um pouco diferentes se cancelam), e a média de um cluster com
# unidades de sinais opostos (conflito de conhecimento) tende a zero: por isso LoRA-LEGO reescala
# os parâmetros (norma do centróide = norma média dos membros) e as saídas. Para centróides de
# qualidade: normalizar as unidades antes de agrupar (a escala de a_i e b_i é arbitrária: a_i·c e
# b_i/c dão o mesmo b_i a_iᵀ), alinhar sinais (a_i, b_i) e (-a_i, -b_i) são a mesma unidade),
# agrupar pela similaridade de cosseno de b_i a_iᵀ em vez de [a_i, b_i]. Unidades irrelevantes
# podem ser descartadas pela norma ||b_i|| ||a_i|| (contribuição para ΔW) e redundantes por
# quase-duplicatas. Com dados, escolhe-se k e os pesos dos clusters medindo a perda de validação
# do LoRA combinado em cada tarefa.
#
# **Model answer.** Averaging similar but not identical units shrinks the centroid's norm (vectors
# in slightly different directions cancel), and averaging a cluster whose units have opposite
# signs (knowledge conflict) tends to zero: that is why LoRA-LEGO rescales parameters (centroid
# norm = the members' mean norm) and outputs. For good centroids: normalise the units before
# clustering (the scale of a_i and b_i is arbitrary: a_i·c and b_i/c give the same b_i a_iᵀ),
# align signs ((a_i, b_i) and (-a_i, -b_i) are the same unit), cluster by the cosine similarity of
# b_i a_iᵀ rather than [a_i, b_i]. Irrelevant units can be dropped by their norm ||b_i|| ||a_i||
# (their share of ΔW) and redundant ones as near-duplicates. With data, k and the clusters' weights
# can be chosen by the validation loss of the merged LoRA on each task.
# END REMOVE
