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
    # BEGIN SOLUTION
    if set(pretrained) != set(finetuned):
        missing = sorted(set(pretrained) ^ set(finetuned))
        raise ValueError(f"the state_dicts have different keys: {missing}")
    vector = {}
    for key, before in pretrained.items():
        after = finetuned[key]
        if before.shape != after.shape:
            raise ValueError(f"{key}: shapes {tuple(before.shape)} and {tuple(after.shape)} differ")
        if before.is_floating_point():
            vector[key] = after - before
    return vector
    # END SOLUTION


# %%
def apply_task_vectors(
    pretrained: dict[str, torch.Tensor],
    vectors: list[dict[str, torch.Tensor]],
    coefficients: list[float],
) -> dict[str, torch.Tensor]:
    """``pretrained + sum_i coefficients[i] * vectors[i]``; integer buffers copied from pretrained."""
    # BEGIN SOLUTION
    if len(vectors) != len(coefficients):
        raise ValueError(f"{len(vectors)} vectors but {len(coefficients)} coefficients")
    for vector in vectors:
        _check_vector(pretrained, vector)
    merged = {}
    for key, before in pretrained.items():
        if not before.is_floating_point():
            merged[key] = before.clone()
            continue
        total = before.clone()
        for vector, coefficient in zip(vectors, coefficients, strict=True):
            total = total + float(coefficient) * vector[key]
        merged[key] = total.to(before.dtype)
    return merged


def _check_vector(pretrained: dict[str, torch.Tensor], vector: dict[str, torch.Tensor]) -> None:
    """ValueError unless ``vector`` has every float key of ``pretrained``, no other key, same shapes."""
    extra = sorted(set(vector) - set(pretrained))
    if extra:
        raise ValueError(f"the vector has keys the pretrained state_dict lacks: {extra}")
    for key, before in pretrained.items():
        if before.is_floating_point() and key not in vector:
            raise ValueError(f"the vector lacks the key {key!r}")
        if key in vector and vector[key].shape != before.shape:
            raise ValueError(
                f"{key}: shapes {tuple(vector[key].shape)} and {tuple(before.shape)} differ"
            )
    # END SOLUTION


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
# BEGIN REMOVE
#
# **Resposta modelo.** A diferença simples mistura a direção útil com ruído do ajuste (passos de
# SGD, camadas que mudaram pouco). Alternativas: esparsificar o vetor (manter só as maiores
# magnitudes, como TIES, ou descartar e reescalar ao acaso, como DARE); ajustar no regime linear
# (linearized fine-tuning), em que os vetores interferem menos; médias de vários ajustes (model
# soup) para reduzir o ruído; ou restringir o ajuste a um subespaço de baixo posto (LoRA) e
# alinhar os subespaços (KnOTS). Para comparar: acurácia de cada tarefa e do modelo combinado,
# interferência (queda de uma tarefa quando a outra é somada) e cosseno entre vetores.
#
# **Model answer.** The plain difference mixes the useful direction with fine-tuning noise (SGD
# steps, layers that barely moved). Alternatives: sparsify the vector (keep the largest magnitudes,
# as TIES does, or drop and rescale at random, as DARE does); fine-tune in the linear regime
# (linearised fine-tuning), where vectors interfere less; average several fine-tunings (model soups)
# to reduce the noise; or restrict fine-tuning to a low-rank subspace (LoRA) and align the
# subspaces (KnOTS). To compare: each task's accuracy and the merged model's, interference (how much
# one task drops when the other is added) and the cosine between vectors.
# END REMOVE

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
    # BEGIN SOLUTION
    # the best global λ, then coordinate ascent layer by layer and task by task on the mean
    # validation accuracy
    torch.manual_seed(seed)
    grid = [round(0.1 * i, 1) for i in range(21)]
    coarse = grid[::2]
    layers = list(dict.fromkeys(key.rsplit(".", 1)[0] for key in pretrained))

    def score(coefficients: dict[tuple[str, int], float]) -> float:
        merged = {
            key: value
            + sum(
                coefficients[key.rsplit(".", 1)[0], i] * vector[key]
                for i, vector in enumerate(vectors)
            )
            for key, value in pretrained.items()
        }
        return _mean_task_accuracy(merged, X_val, y_val)

    def uniform(value: float) -> dict[tuple[str, int], float]:
        return {(layer, i): value for layer in layers for i in range(len(vectors))}

    best_score, best = max((score(uniform(value)), -value) for value in grid)
    current = uniform(-best)
    for _ in range(2):
        improved = False
        for slot in list(current):
            for value in coarse:
                trial = {**current, slot: value}
                trial_score = score(trial)
                if trial_score > best_score + 1e-12:
                    best_score, current, improved = trial_score, trial, True
        if not improved:
            break
    return {
        key: [current[key.rsplit(".", 1)[0], i] for i in range(len(vectors))] for key in pretrained
    }


@torch.no_grad()
def _mean_task_accuracy(
    state: dict[str, torch.Tensor],
    X_val: list[torch.Tensor],
    y_val: list[torch.Tensor],
) -> float:
    """Mean over tasks of the accuracy of the argmax over each task's own classes (the forward
    pass of ``_merging_mlp`` written out with ``state``'s weights: no copies, no module)."""
    scores = []
    for X, y in zip(X_val, y_val, strict=True):
        y = torch.as_tensor(y, dtype=torch.int64)
        classes = torch.unique(y)
        hidden = torch.as_tensor(X, dtype=torch.float32)
        for name in ("0", "2"):
            hidden = torch.relu(F.linear(hidden, state[f"{name}.weight"], state[f"{name}.bias"]))
        logits = F.linear(hidden, state["4.weight"], state["4.bias"])
        predicted = classes[logits[:, classes].argmax(dim=1)]
        scores.append(float((predicted == y).float().mean()))
    return sum(scores) / len(scores)
    # END SOLUTION


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
# BEGIN REMOVE
#
# **Resposta modelo.** Começo pelo melhor λ global numa grade (0 a 2) e faço subida por
# coordenadas: para cada camada e cada tarefa, experimento todos os valores da grade mantendo os
# outros fixos e fico com o que mais aumenta a acurácia média de validação. Os dois ajustes movem
# as camadas ocultas na mesma direção (para dígitos em pé), então somá-los com λ = 1 passa do
# ponto: as camadas ocultas pedem coeficientes pequenos, enquanto cada tarefa mexe só nas suas
# linhas da cabeça, que aceitam coeficientes grandes. Um λ global precisa de um meio-termo e perde
# cerca de 0,1 de acurácia. Alternativa: AdaMerging trata os λ como parâmetros, presos em [0, 1],
# e os treina por gradiente minimizando a entropia das previsões em dados de teste sem rótulo; com
# rótulos de validação, pode-se minimizar a entropia cruzada da mesma forma.
#
# **Model answer.** I start from the best global λ on a grid (0 to 2) and run coordinate ascent:
# for each layer and each task, try every grid value with the others fixed and keep the one that
# raises the mean validation accuracy most. Both fine-tunings move the hidden layers the same way
# (towards upright digits), so adding them with λ = 1 overshoots: the hidden layers want small
# coefficients, while each task moves only its own rows of the head, which take large ones. A
# global λ must compromise and loses about 0.1 of accuracy. Alternative: AdaMerging treats the λ as
# parameters, clamped to [0, 1], and trains them by gradient descent on the entropy of the
# predictions on unlabelled test data; with validation labels one can minimise the cross-entropy
# the same way.
# END REMOVE

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
    # BEGIN SOLUTION
    if not 0.0 < density <= 1.0:
        raise ValueError(f"density must be in (0, 1], got {density}")
    keys = [key for key, value in pretrained.items() if value.is_floating_point()]
    flat = torch.stack(
        [
            torch.cat([vector[key].detach().double().reshape(-1) for key in keys])
            for vector in vectors
        ]
    )
    kept = math.ceil(density * flat.shape[1])
    threshold = flat.abs().topk(kept, dim=1).values[:, -1:]
    trimmed = torch.where(flat.abs() >= threshold, flat, torch.zeros_like(flat))
    elected = torch.sign(trimmed.sum(dim=0))
    agree = (torch.sign(trimmed) == elected) & (trimmed != 0)
    count = agree.sum(dim=0).clamp(min=1)
    merged_flat = (trimmed * agree).sum(dim=0) / count
    merged, start = {}, 0
    for key, value in pretrained.items():
        if not value.is_floating_point():
            merged[key] = value.clone()
            continue
        size = value.numel()
        delta = merged_flat[start : start + size].reshape(value.shape)
        merged[key] = (value.double() + lam * delta).to(value.dtype)
        start += size
    return merged
    # END SOLUTION


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
# BEGIN REMOVE
#
# **Resposta modelo.** Nem sempre: um modelo cujo vetor conflita com os outros pode piorar todas as
# tarefas, e dar-lhe coeficiente 0 (alpha = 0) é um caso particular da escolha de coeficientes.
# Critérios: a norma do vetor de tarefa (um modelo de outra inicialização tem um "vetor" enorme,
# que não é um pequeno deslocamento), o cosseno entre vetores e a fração de sinais em conflito
# após o corte do TIES; a queda de acurácia de cada tarefa quando um modelo é retirado (leave-one-
# out); e, para LoRA, o alinhamento dos subespaços (ângulos principais entre os espaços singulares
# de B_i A_i, como no KnOTS, que alinha por SVD antes de combinar).
#
# **Model answer.** Not always: a model whose vector conflicts with the others can hurt every task,
# and giving it coefficient 0 (alpha = 0) is a special case of choosing coefficients. Criteria: the
# norm of the task vector (a model from another initialisation has a huge "vector", not a small
# displacement), the cosine between vectors and the fraction of conflicting signs after TIES's
# trim; the drop of each task's accuracy when one model is left out (leave-one-out); and, for LoRA,
# the alignment of the subspaces (principal angles between the singular spaces of B_i A_i, as in
# KnOTS, which aligns them by SVD before merging).
# END REMOVE
