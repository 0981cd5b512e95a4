# %% [markdown]
# # PCS 5022 — Capítulo 14: Green AI, poda de dados / Chapter 14: Green AI, data pruning
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Rode `grade check ch14_green_ai ch14_green_ai.py` para as
# verificações públicas.
#
# Treinar com dados em escala *web* custa caro. *Data pruning* remove, antes ou durante o
# treinamento, os exemplos menos importantes. Neste capítulo você implementa as duas regras de
# seleção que a leitura recomendada compara: a poda com reescala do InfoBatch (Qin et al.) e as
# subamostras aleatórias repetidas a cada época do RS2 (Okanovic et al.). As duas funções só
# escolhem índices (e pesos): o corretor mede as propriedades da seleção, sem treinar nada.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Run `grade check ch14_green_ai ch14_green_ai.py` for the public
# checks.
#
# Training on web-scale data is expensive. *Data pruning* removes the least important examples
# before or during training. In this chapter you implement the two selection rules the reading
# compares: InfoBatch's pruning with rescaling (Qin et al.) and RS2's random subsets drawn afresh
# every epoch (Okanovic et al.). Both functions only choose indices (and weights): the grader
# measures properties of the selection, it trains nothing.

# %%
from __future__ import annotations

import numpy as np

# %% [markdown]
# ## 14.1 InfoBatch: poda sem viés / InfoBatch: unbiased pruning
#
# **PT.** Escreva `infobatch_select(losses, prune_ratio, seed)`. `losses` é um array 1-D (n,)
# com a perda mais recente de cada exemplo; `prune_ratio` = r. A regra (a do código do InfoBatch):
#
# 1. os exemplos *bem aprendidos* (WL) são os de perda **estritamente menor** que a média
#    `losses.mean()`; um exemplo com perda igual à média ou maior não é WL;
# 2. dos |WL| exemplos bem aprendidos, mantenha exatamente `floor((1 - r) * |WL|)`, escolhidos ao
#    acaso (uniformemente, sem reposição) a partir de `seed`; os demais WL são descartados;
# 3. cada WL mantido recebe peso `1 / (1 - r)`; todo exemplo não WL é mantido com peso 1.
#
# Devolva `(kept_indices, weights)`: `kept_indices` é um array 1-D de inteiros, **ordenado
# crescente** e sem repetição, com os índices mantidos; `weights[j]` é o peso de
# `kept_indices[j]`. Com r = 0 nada é podado (todos os pesos 1). `prune_ratio` fora de [0, 1)
# levanta `ValueError`. Mesma semente, mesma seleção; sementes diferentes sorteiam WL diferentes;
# `losses` não pode ser modificado. Com a reescala, a perda ponderada `sum_j weights[j] *
# losses[kept_indices[j]]` é, em média sobre as sementes, a perda total `losses.sum()` (o corretor
# verifica isso com 400 sementes).
#
# **EN.** Write `infobatch_select(losses, prune_ratio, seed)`. `losses` is a 1-D array (n,)
# holding each example's latest loss; `prune_ratio` = r. The rule (that of InfoBatch's code):
#
# 1. the *well-learned* examples (WL) are those whose loss is **strictly below** the mean
#    `losses.mean()`; an example whose loss equals the mean, or is above it, is not WL;
# 2. of the |WL| well-learned examples keep exactly `floor((1 - r) * |WL|)`, drawn at random
#    (uniformly, without replacement) from `seed`; the other WL examples are dropped;
# 3. each kept WL example gets weight `1 / (1 - r)`; every non-WL example is kept with weight 1.
#
# Return `(kept_indices, weights)`: `kept_indices` is a 1-D integer array, **sorted ascending**
# with no repeats, of the kept indices; `weights[j]` is the weight of `kept_indices[j]`. With
# r = 0 nothing is pruned (all weights 1). A `prune_ratio` outside [0, 1) raises `ValueError`.
# Same seed, same selection; different seeds draw different WL examples; `losses` must not be
# modified. Thanks to the rescaling, the weighted loss `sum_j weights[j] *
# losses[kept_indices[j]]` equals, on average over seeds, the total loss `losses.sum()` (the
# grader checks this over 400 seeds).


# %%
def infobatch_select(
    losses: np.ndarray, prune_ratio: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(kept_indices, weights): a random floor((1 - r)|WL|) of the below-mean examples, rescaled."""
    if prune_ratio < 0 or prune_ratio >= 1:
        raise ValueError("prune_ratio")
    print("pruning", len(losses), "losses")
    mean = np.mean(losses)
    rng = np.random.default_rng(seed)
    kept = []
    for i, loss in enumerate(losses):
        if loss >= mean or rng.random() >= prune_ratio:
            kept.append(i)
    kept = np.array(kept)
    # the kept ones are weighted 1: the model sees them normally
    return kept, np.ones(len(kept))


# %% [markdown]
# #### Questões de pesquisa / Research questions
#
# **PT.** Responda às questões de pesquisa do exercício: como definir a qualidade de um dado (o
# que remover) antes ou durante o treinamento? Que fatores permitem reduzir os dados sem
# prejudicar o treinamento? Depois da seleção, o modelo fica mais sensível ou mais robusto a
# ataques adversariais? Explique também por que a reescala `1 / (1 - r)` mantém o gradiente
# esperado.
#
# **EN.** Answer the exercise's research questions: how can the quality of an example (what to
# remove) be defined before or during training? Which factors allow cutting data without hurting
# training? After selection, is the model more sensitive or more robust to adversarial attacks?
# Also explain why the `1 / (1 - r)` rescaling keeps the expected gradient.

# %% [markdown]
# ### Resposta / Answer: pruning_research_questions (14.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Tirar os dados com perda baixa porque o modelo já aprendeu.

# %% [markdown]
# ## 14.2 RS2: subconjuntos aleatórios repetidos / RS2: repeated random subsets
#
# **PT.** Escreva `rs2_schedule(n, ratio, epochs, seed)`, o plano de amostragem do RS2 sem
# reposição: uma lista com `epochs` arrays 1-D de inteiros, um por época, com os índices (em
# `range(n)`) dos exemplos usados naquela época. Cada época usa `k = max(1, round(ratio * n))`
# exemplos distintos (o `round` do Python; o corretor só usa `ratio * n` longe de x.5). As
# épocas percorrem uma permutação aleatória de `range(n)`: a época 1 pega os k primeiros, a
# época 2 os k seguintes, e assim por diante; quando sobram menos de k, a época pega o que sobrou
# e se completa com exemplos de uma permutação nova (sem repetir índices dentro da época), que
# passa a ser percorrida. Assim nenhum exemplo se repete antes de todos terem sido vistos
# (as `n // k` primeiras épocas são disjuntas) e as `ceil(n / k)` primeiras épocas cobrem todo o
# conjunto; ao longo de muitas épocas cada exemplo aparece numa fração ≈ k / n delas. A ordem
# dentro de uma época é livre. Use `seed` para toda aleatoriedade (mesma semente, mesmo plano;
# sementes diferentes, planos diferentes). `ratio` fora de (0, 1] levanta `ValueError`; com
# `ratio = 1` toda época usa o conjunto inteiro. Sem pesos: RS2 não reescala nada.
#
# **EN.** Write `rs2_schedule(n, ratio, epochs, seed)`, RS2's sampling plan without replacement: a
# list of `epochs` 1-D integer arrays, one per epoch, holding the indices (in `range(n)`) of the
# examples used in that epoch. Each epoch uses `k = max(1, round(ratio * n))` distinct examples
# (Python's `round`; the grader only uses `ratio * n` far from x.5). The epochs walk through a
# random permutation of `range(n)`: epoch 1 takes the first k, epoch 2 the next k, and so on; when
# fewer than k are left, the epoch takes what is left and completes itself with examples from a
# fresh permutation (no index repeated within the epoch), which is walked from then on. So no
# example repeats before all have been seen (the first `n // k` epochs are disjoint) and the
# first `ceil(n / k)` epochs cover the whole set; over many epochs each example appears in a
# fraction ≈ k / n of them. The order within an epoch is free. Use `seed` for all randomness
# (same seed, same plan; different seeds, different plans). A `ratio` outside (0, 1] raises
# `ValueError`; with `ratio = 1` every epoch uses the whole set. No weights: RS2 rescales nothing.


# %%
def rs2_schedule(n: int, ratio: float, epochs: int, seed: int) -> list[np.ndarray]:
    """One index array of k = max(1, round(ratio * n)) distinct examples per epoch, cycling
    through random permutations so no example repeats before all have been seen."""
    if ratio <= 0 or ratio > 1:
        raise ValueError("ratio")
    k = int(ratio * n)
    rng = np.random.default_rng(seed)
    return [rng.choice(n, k, replace=False) for _ in range(epochs)]


# %% [markdown]
# #### Questões de pesquisa / Research questions
#
# **PT.** Responda às questões de pesquisa: que aspectos levam uma seleção aleatória (RS2) a
# competir com métodos sofisticados e caros de seleção de dados? Há períodos do treinamento mais
# adequados para selecionar dados ao acaso (ou para parar de podar, como o *annealing* do
# InfoBatch)?
#
# **EN.** Answer the research questions: what makes random selection (RS2) competitive with
# sophisticated, expensive data selection methods? Are there periods of training better suited to
# random selection (or to stop pruning, like InfoBatch's annealing)?

# %% [markdown]
# ### Resposta / Answer: random_selection_research (14.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Porque é aleatório.
