# %% [markdown]
# # PCS 5022 — Extras do relatório IA353A / Extras from the IA353A report
#
# **PT.** Estes exercícios vêm do relatório escrito da disciplina IA353A (aprendizado multitarefa,
# inicialização, documentação de conjuntos de dados, escalonamento composto). A numeração segue a
# do relatório: 7.1 transferência negativa, 7.2 compartilhamento rígido (*hard sharing*), 8.1 a
# inicialização que preserva a variância, 9.1 e 9.2 *datasheets*, 10.1 escalonamento composto
# (EfficientNet) e 10.2 FixRes. Implemente as funções e a classe abaixo sem mudar nomes nem
# assinaturas (elas são o contrato com o corretor automático) e escreva as respostas nos campos
# indicados. Rode `grade check extra_ia353 extra_ia353.py` para as verificações públicas.
#
# **EN.** These exercises come from the written report of the IA353A course (multi-task learning,
# initialisation, documentation of data sets, compound scaling). The numbering follows the report:
# 7.1 negative transfer, 7.2 hard parameter sharing, 8.1 the variance-preserving initialisation,
# 9.1 and 9.2 datasheets, 10.1 compound scaling (EfficientNet) and 10.2 FixRes. Implement the
# functions and the class below without changing their names or signatures (they are the contract
# with the autograder) and write the answers in the slots provided. Run
# `grade check extra_ia353 extra_ia353.py` for the public checks.

# %%
from __future__ import annotations

import math

import torch
from torch import nn

# %% [markdown]
# ## 7.1 Transferência negativa / Negative transfer
#
# **PT.** O que é transferência negativa no aprendizado multitarefa, quando ela acontece e como
# reduzi-la? Responda no campo abaixo.
#
# **EN.** What is negative transfer in multi-task learning, when does it happen and how can it be
# reduced? Answer in the slot below.

# %% [markdown]
# ### Resposta / Answer: negative_transfer (7.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ## 7.2 Compartilhamento rígido / Hard parameter sharing
#
# **PT.** Escreva `HardSharingMTL(in_features, hidden, task_out_features)`, um `nn.Module` com um
# tronco compartilhado e uma cabeça por tarefa. `hidden` é um inteiro (uma camada oculta) ou uma
# lista de larguras (uma camada `Linear` + `ReLU` por largura, em ordem); `task_out_features` é a
# lista com o número de saídas de cada tarefa. `forward(x)` (x: n x in_features) devolve uma
# *lista* com uma saída (n x task_out_features[t]) por tarefa, na ordem dada. O corretor faz um
# *backward* por tarefa: o tronco inteiro deve receber gradiente da perda de *cada* tarefa, e cada
# cabeça só da perda da própria tarefa; nenhum parâmetro pode ser compartilhado entre cabeças. Em
# seguida o corretor treina o seu modelo com a própria receita em duas tarefas sobre os dígitos
# 8x8 (o dígito e a sua paridade) e mede a acurácia nas duas.
#
# **EN.** Write `HardSharingMTL(in_features, hidden, task_out_features)`, an `nn.Module` with a
# shared trunk and one head per task. `hidden` is an int (one hidden layer) or a list of widths
# (one `Linear` + `ReLU` per width, in order); `task_out_features` lists each task's number of
# outputs. `forward(x)` (x: n x in_features) returns a *list* with one output (n x
# task_out_features[t]) per task, in the given order. The grader runs one backward pass per task:
# the whole trunk must receive gradient from *every* task's loss, and each head only from its own
# task's loss; no parameter may be shared between heads. The grader then trains your model with
# its own recipe on two tasks over the 8x8 digits (the digit and its parity) and measures the
# accuracy on both.


# %%
class HardSharingMTL(nn.Module):
    """A shared trunk (Linear + ReLU per hidden width) and one Linear head per task."""

    def __init__(
        self, in_features: int, hidden: int | list[int], task_out_features: list[int]
    ) -> None:
        super().__init__()
        raise NotImplementedError("Implemente esta função / implement this function")

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 8.1 Inicialização que preserva a variância / Variance-preserving initialisation
#
# **PT.** Numa camada linear perto da região linear da ativação, com pesos e entradas
# independentes, de média zero, Var(saída) = fan_in · Var(w) · Var(entrada). Para U(-b, b),
# Var(w) = b²/3, logo a variância se preserva com b = sqrt(3 / fan_in). Escreva
# `variance_preserving_uniform_(tensor, generator=None)`, que preenche *no lugar* um tensor de
# pesos (2 ou mais dimensões) com U(-b, b), b = sqrt(3 / fan_in), onde fan_in = shape[1] vezes o
# campo receptivo (o produto das dimensões a partir da terceira, para convoluções), usando
# `generator` quando dado, e devolve o próprio tensor. Menos de 2 dimensões: `ValueError`. Depois
# escreva `init_variance_preserving(model, seed=0)`, que aplica essa inicialização ao peso de toda
# camada `nn.Linear` e `nn.Conv1d/2d/3d` do modelo, zera os seus vieses, não mexe em nenhum outro
# parâmetro, é determinística por `seed` e devolve o modelo. O corretor testa o limite e a
# variância empírica dos pesos e mostra, no relatório, a variância das ativações camada a camada
# numa rede profunda quase linear inicializada por você, ao lado de U(-1, 1) e da inicialização
# padrão do PyTorch. Na resposta, deduza o limite.
#
# **EN.** In a linear layer near the linear region of its activation, with independent zero-mean
# weights and inputs, Var(output) = fan_in · Var(w) · Var(input). For U(-b, b), Var(w) = b²/3, so
# the variance is preserved with b = sqrt(3 / fan_in). Write
# `variance_preserving_uniform_(tensor, generator=None)`, which fills a weight tensor (2 or more
# dims) *in place* from U(-b, b), b = sqrt(3 / fan_in), where fan_in = shape[1] times the
# receptive field (the product of the dimensions from the third on, for convolutions), using
# `generator` when given, and returns the tensor itself. Fewer than 2 dims: `ValueError`. Then
# write `init_variance_preserving(model, seed=0)`, which applies it to the weight of every
# `nn.Linear` and `nn.Conv1d/2d/3d` layer of the model, sets their biases to zero, leaves every
# other parameter alone, is deterministic per `seed`, and returns the model. The grader tests the
# bound and the empirical variance of the weights and shows, in the report, the activation
# variance layer by layer in a deep near-linear network initialised by you, next to U(-1, 1) and
# PyTorch's default initialisation. In the answer, derive the bound.


# %%
def variance_preserving_uniform_(
    tensor: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place from U(-b, b), b = sqrt(3 / fan_in); return it."""
    raise NotImplementedError("Implemente esta função / implement this function")


def init_variance_preserving(model: nn.Module, seed: int = 0) -> nn.Module:
    """Variance-preserving uniform weights and zero biases in every Linear and Conv layer."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: variance_derivation (8.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ## 9.1 e 9.2 Datasheets para conjuntos de dados / Datasheets for datasets
#
# **PT.** 9.1: quais são as seções principais do padrão *Datasheets for Datasets* (Gebru et al.) e
# o que cada uma documenta? 9.2: cite dois trabalhos com propósito semelhante (documentação de
# modelos ou serviços) e diga o que cada um documenta.
#
# **EN.** 9.1: what are the main sections of the *Datasheets for Datasets* standard (Gebru et al.)
# and what does each document? 9.2: name two works with a similar purpose (documentation of models
# or services) and say what each documents.

# %% [markdown]
# ### Resposta / Answer: datasheet_sections (9.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ### Resposta / Answer: similar_documentation (9.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*

# %% [markdown]
# ## 10.1 Escalonamento composto / Compound scaling
#
# **PT.** A EfficientNet escala profundidade, largura e resolução juntas: com um coeficiente `phi`,
# os multiplicadores são d = alpha**phi, w = beta**phi e r = gamma**phi. Escreva
# `compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15)`, que devolve `(depth, width,
# resolution)` (três floats). O corretor escala uma pequena rede convolucional com os seus
# multiplicadores e conta os FLOPs: eles devem crescer por cerca de (alpha * beta**2 *
# gamma**2)**phi.
#
# **EN.** EfficientNet scales depth, width and resolution together: with a coefficient `phi`, the
# multipliers are d = alpha**phi, w = beta**phi and r = gamma**phi. Write
# `compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15)`, returning `(depth, width,
# resolution)` (three floats). The grader scales a small convolutional network with your
# multipliers and counts the FLOPs: they must grow by about (alpha * beta**2 * gamma**2)**phi.


# %%
def compound_scaling(
    phi: float, alpha: float = 1.2, beta: float = 1.1, gamma: float = 1.15
) -> tuple[float, float, float]:
    """The EfficientNet multipliers (alpha**phi, beta**phi, gamma**phi)."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 10.2 FixRes
#
# **PT.** Por que treinar e testar na mesma resolução cria uma discrepância (FixRes, Touvron et
# al.) e como corrigi-la?
#
# **EN.** Why does training and testing at the same resolution create a discrepancy (FixRes,
# Touvron et al.), and how is it fixed?

# %% [markdown]
# ### Resposta / Answer: fixres (10.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
