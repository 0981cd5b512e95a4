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
        raise NotImplementedError("Implemente esta função / implement this function")

    def merged_weight(self) -> torch.Tensor:
        """``W0 + (alpha / r) B A`` (out, in)."""
        raise NotImplementedError("Implemente esta função / implement this function")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x @ merged_weight().T + bias``."""
        raise NotImplementedError("Implemente esta função / implement this function")


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
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: rank_per_layer (11.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

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
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: layer_choice_criterion (11.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

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
def merge_loras_by_clustering(
    loras: list[tuple[torch.Tensor, torch.Tensor]], k: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(A', B'): k-means centroids of the pooled units [a_i, b_i], split back into A' and B'."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: centroid_quality (11.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
