# %% [markdown]
# # PCS 5022 — Capítulo 12: Combinação de modelos / Chapter 12: Model merging
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Rode `grade check ch12_merging ch12_merging.py` para as
# verificações públicas.
#
# Todas as funções trabalham com *state_dicts* (`dict[str, torch.Tensor]`, como os de
# `model.state_dict()`). Entradas de ponto flutuante (`float32`, `float64`...) são pesos; entradas
# inteiras ou booleanas (por exemplo `num_batches_tracked` da BatchNorm, `int64`) são contadores,
# não pesos: nunca entram na aritmética. Nenhuma função pode modificar os dicionários nem os
# tensores que recebe.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Run `grade check ch12_merging ch12_merging.py` for the public
# checks.
#
# Every function works on *state_dicts* (`dict[str, torch.Tensor]`, like those of
# `model.state_dict()`). Floating-point entries (`float32`, `float64`...) are weights; integer or
# boolean entries (e.g. BatchNorm's `num_batches_tracked`, `int64`) are counters, not weights: they
# never take part in the arithmetic. No function may modify the dicts or the tensors it is given.

# %%
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

# %% [markdown]
# ## 12.1 Vetores de tarefa / Task vectors
#
# **PT.** Ilharco et al. definem o vetor de tarefa `tau = theta_ft - theta_pre`: a direção, no
# espaço de pesos, que leva o modelo pré-treinado ao modelo ajustado na tarefa.
#
# * `task_vector(pretrained, finetuned)`: devolve um dict novo com `finetuned[k] - pretrained[k]`
#   para cada chave `k` de ponto flutuante, no mesmo dtype (a subtração exata, sem conversões).
#   **Convenção:** as entradas inteiras/booleanas ficam *fora* do vetor. Se os dois dicts não têm
#   exatamente as mesmas chaves, ou se alguma chave tem formas (shapes) diferentes, levante
#   `ValueError`.
# * `apply_task_vectors(pretrained, vectors, coefficients)`: devolve um state_dict novo com
#   `pretrained[k] + sum_i coefficients[i] * vectors[i][k]` em cada chave de ponto flutuante (no
#   dtype de `pretrained[k]`) e, em cada chave inteira/booleana, uma cópia de `pretrained[k]`
#   (mesmo que algum vetor traga essa chave). Levante `ValueError` se `len(vectors) !=
#   len(coefficients)`, se faltar a algum vetor uma chave de ponto flutuante de `pretrained`, se um
#   vetor tiver uma chave que `pretrained` não tem, ou se as formas não coincidirem.
#
# Propriedades: coeficiente 0 devolve o pré-treinado; uma tarefa com coeficiente 1 devolve o
# ajustado (a menos do arredondamento); a ordem das tarefas não importa.
#
# **EN.** Ilharco et al. define the task vector `tau = theta_ft - theta_pre`: the direction, in
# weight space, that takes the pre-trained model to the model fine-tuned on the task.
#
# * `task_vector(pretrained, finetuned)`: return a new dict with `finetuned[k] - pretrained[k]`
#   for every floating-point key `k`, in the same dtype (the exact subtraction, no conversions).
#   **Convention:** integer/boolean entries are left *out* of the vector. If the two dicts do not
#   have exactly the same keys, or a key has different shapes, raise `ValueError`.
# * `apply_task_vectors(pretrained, vectors, coefficients)`: return a new state_dict with
#   `pretrained[k] + sum_i coefficients[i] * vectors[i][k]` at every floating-point key (in the
#   dtype of `pretrained[k]`) and, at every integer/boolean key, a copy of `pretrained[k]` (even if
#   some vector carries that key). Raise `ValueError` if `len(vectors) != len(coefficients)`, if a
#   vector lacks a floating-point key of `pretrained`, if a vector has a key `pretrained` does not
#   have, or if shapes differ.
#
# Properties: coefficient 0 gives the pre-trained model; one task with coefficient 1 gives the
# fine-tuned one (up to rounding); the order of the tasks does not matter.


# %%
def task_vector(
    pretrained: dict[str, torch.Tensor], finetuned: dict[str, torch.Tensor]
) -> dict[str, torch.Tensor]:
    """``finetuned - pretrained`` on the floating-point keys (integer buffers left out)."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %%
def apply_task_vectors(
    pretrained: dict[str, torch.Tensor],
    vectors: list[dict[str, torch.Tensor]],
    coefficients: list[float],
) -> dict[str, torch.Tensor]:
    """``pretrained + sum_i coefficients[i] * vectors[i]``; integer buffers copied from pretrained."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# **PT.** Pergunta de pesquisa: existem formas mais promissoras de produzir vetores de tarefa do
# que `theta_ft - theta_pre`? Discuta ao menos uma (e o que você mediria para compará-la).
#
# **EN.** Research question: are there more promising ways to produce task vectors than
# `theta_ft - theta_pre`? Discuss at least one (and what you would measure to compare it).

# %% [markdown]
# ### Resposta / Answer: better_task_vectors (12.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ## 12.2 Coeficientes por modelo e por camada / Per-model and per-layer coefficients
#
# **PT.** O corretor tem um modelo pré-treinado e dois modelos ajustados a partir dele (você recebe
# os três como `pretrained` e `vectors = [tau_A, tau_B]`). A arquitetura é
# `nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))`
# (chaves `0.weight`, `0.bias`, `2.weight`, ..., `4.bias`; veja `_merging_mlp` abaixo), a entrada
# é um dígito 8x8 achatado (64 pixels em [0, 1]). A tarefa A classifica os dígitos 0-4, a tarefa B
# os dígitos 5-9, com uma cabeça de 10 saídas compartilhada: a previsão da tarefa k é o argmax
# **apenas entre os logits das classes da tarefa** (os rótulos distintos de `y_val[k]`).
#
# Escreva `choose_coefficients(pretrained, vectors, X_val, y_val, seed)`, que escolhe
# *sistematicamente* um coeficiente por camada e por tarefa: devolva um dict com, para **cada**
# chave de `pretrained`, uma lista de `len(vectors)` floats finitos (`coefficients[key][i]`
# multiplica `vectors[i][key]`). `X_val[k]` (tensor float32 n_k x 64) e `y_val[k]` (tensor int64,
# os dígitos) são os dados de validação da tarefa k. Use `seed` para toda aleatoriedade (mesmos
# argumentos, mesmos coeficientes).
#
# O corretor aplica ele mesmo os seus coeficientes (`pretrained[key] + sum_i c[key][i] *
# vectors[i][key]`) e mede a acurácia média das duas tarefas em dados de teste que você não vê.
# Ele compara com o melhor coeficiente **global** (o mesmo λ para todas as camadas e tarefas,
# λ em 0, 0.1, ..., 2.0) escolhido por ele nos mesmos dados de validação. Nota cheia quando os
# seus coeficientes superam esse λ global por pelo menos 0.05 de acurácia média no teste.
#
# **EN.** The grader has a pre-trained model and two models fine-tuned from it (you get them as
# `pretrained` and `vectors = [tau_A, tau_B]`). The architecture is
# `nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))`
# (keys `0.weight`, `0.bias`, `2.weight`, ..., `4.bias`; see `_merging_mlp` below), the input a
# flattened 8x8 digit (64 pixels in [0, 1]). Task A classifies the digits 0-4, task B the digits
# 5-9, with a shared 10-way head: task k's prediction is the argmax **over the logits of the
# task's classes only** (the distinct labels of `y_val[k]`).
#
# Write `choose_coefficients(pretrained, vectors, X_val, y_val, seed)`, which chooses one
# coefficient per layer and per task *systematically*: return a dict with, for **every** key of
# `pretrained`, a list of `len(vectors)` finite floats (`coefficients[key][i]` multiplies
# `vectors[i][key]`). `X_val[k]` (float32 tensor n_k x 64) and `y_val[k]` (int64 tensor, the
# digits) are task k's validation data. Use `seed` for all randomness (same arguments, same
# coefficients).
#
# The grader applies your coefficients itself (`pretrained[key] + sum_i c[key][i] *
# vectors[i][key]`) and measures the mean accuracy of the two tasks on test data you never see.
# It compares it with the best **global** coefficient (the same λ for every layer and task, λ in
# 0, 0.1, ..., 2.0) that it picks on the same validation data. Full points when your coefficients
# beat that global λ by at least 0.05 of mean test accuracy.


# %%
def _merging_mlp() -> nn.Sequential:
    """The architecture of the models of 12.2 (load a merged state_dict into it)."""
    return nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10)
    )


# %%
def choose_coefficients(
    pretrained: dict[str, torch.Tensor],
    vectors: list[dict[str, torch.Tensor]],
    X_val: list[torch.Tensor],
    y_val: list[torch.Tensor],
    seed: int,
) -> dict[str, list[float]]:
    """One coefficient per key and per task vector, chosen systematically on the validation data."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# **PT.** Perguntas de pesquisa: como definir sistematicamente um λ para cada modelo e para cada
# camada? Descreva o seu método, o que a tabela do relatório mostra (coeficientes por camada e a
# curva do λ global) e um método alternativo (por exemplo AdaMerging, que minimiza a entropia das
# previsões em dados sem rótulo).
#
# **EN.** Research questions: how can one λ per model and per layer be chosen systematically?
# Describe your method, what the report's table shows (per-layer coefficients and the curve of the
# global λ) and an alternative method (e.g. AdaMerging, which minimises the entropy of the
# predictions on unlabelled data).

# %% [markdown]
# ### Resposta / Answer: choosing_coefficients (12.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ## 12.3 TIES-merging
#
# **PT.** Escreva `ties_merge(pretrained, vectors, density, lam)` (Yadav et al.):
#
# 1. **Aparar:** em cada vetor de tarefa, mantenha as entradas cuja magnitude `|tau|` está entre
#    as `density` maiores, contando **todas as entradas de ponto flutuante do vetor juntas**
#    (achatado sobre todas as chaves, não por tensor): com `n` entradas, mantenha as de `|tau|`
#    maior ou igual à `m`-ésima maior magnitude, `m = ceil(density * n)` (empates ficam); zere o
#    resto.
# 2. **Eleger o sinal:** em cada entrada, o sinal da soma dos vetores aparados.
# 3. **Média disjunta:** em cada entrada, a média dos valores aparados **não nulos que têm o sinal
#    eleito** (0 se nenhum).
#
# Devolva um state_dict novo `pretrained + lam * merged` nas chaves de ponto flutuante (no dtype
# de `pretrained`) e cópias das entradas inteiras de `pretrained`. `ValueError` se `density` não
# estiver em (0, 1]. Não modifique as entradas.
#
# **EN.** Write `ties_merge(pretrained, vectors, density, lam)` (Yadav et al.):
#
# 1. **Trim:** in each task vector, keep the entries whose magnitude `|tau|` is among the top
#    `density` fraction, counting **all floating-point entries of the vector together** (flattened
#    over all keys, not per tensor): with `n` entries, keep those with `|tau|` greater than or
#    equal to the `m`-th largest magnitude, `m = ceil(density * n)` (ties are kept); zero the rest.
# 2. **Elect the sign:** at each entry, the sign of the sum of the trimmed vectors.
# 3. **Disjoint mean:** at each entry, the mean of the **non-zero trimmed values that have the
#    elected sign** (0 if none).
#
# Return a new state_dict `pretrained + lam * merged` at the floating-point keys (in the dtype of
# `pretrained`) and copies of `pretrained`'s integer entries. `ValueError` if `density` is not in
# (0, 1]. Do not modify the inputs.


# %%
def ties_merge(
    pretrained: dict[str, torch.Tensor],
    vectors: list[dict[str, torch.Tensor]],
    density: float,
    lam: float,
) -> dict[str, torch.Tensor]:
    """Trim (top ``density`` by magnitude over the whole vector), elect signs, disjoint mean."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# **PT.** Perguntas de pesquisa: todos os modelos deveriam entrar na combinação? Há modelos
# (tarefas) mais importantes? Como identificar modelos desalinhados (por exemplo, ajustados com
# LoRA, ou treinados a partir de outra inicialização)? Proponha um critério mensurável.
#
# **EN.** Research questions: should every model take part in the merge? Are some models (tasks)
# more important? How can misaligned models be detected (e.g. fine-tuned with LoRA, or trained
# from another initialisation)? Propose a measurable criterion.

# %% [markdown]
# ### Resposta / Answer: misaligned_models (12.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
