# %% [markdown]
# # PCS 5022 — Capítulo 7: Redes residuais / Chapter 7: Residual networks
#
# **PT.** Implemente as funções e a classe abaixo sem mudar nomes nem assinaturas (elas são o
# contrato com o corretor automático). Use PyTorch e numpy. Rode
# `grade check ch07_residual ch07_residual.py` para as verificações públicas. O corretor não
# confia em números que você relata: ele mede gradientes, perturba camadas e refaz as lesões com
# os próprios *forward passes*, nos próprios dados.
#
# **EN.** Implement the functions and the class below without changing names or signatures (they
# are the contract with the autograder). Use PyTorch and numpy. Run
# `grade check ch07_residual ch07_residual.py` for the public checks. The grader takes no number
# you report on trust: it measures gradients, perturbs layers and redoes the lesions with its own
# forward passes, on its own data.

# %%
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 7.1 Um bloco de construção repetido / A repeated building block
#
# **PT.** Redes profundas costumam ser montadas repetindo um *building block*. Proponha um bloco
# com **pelo menos 6 componentes** (camadas registradas como submódulos: `nn.Linear`,
# `nn.BatchNorm1d`, `nn.ReLU()`, `nn.Dropout`...; use `nn.ReLU()` e não `F.relu`, para que o
# componente apareça na estrutura do modelo) em uma classe sua (qualquer nome), que leva
# `(B, width)` a `(B, width)`. Depois escreva `build_block_stack(in_features, width, n_blocks,
# n_classes)`, que devolve um `nn.Module` com, nesta ordem: um *stem* `nn.Linear(in_features,
# width)` (a primeira `nn.Linear` que o *forward* executa), **`n_blocks` instâncias distintas**
# da sua classe de bloco, com a mesma configuração (não reutilize o mesmo objeto: isso
# compartilharia os pesos), e uma cabeça `nn.Linear(width, n_classes)` (a última `nn.Linear`
# executada). Entrada `(B, in_features)` float32, saída *logits* `(B, n_classes)`. Aqui **não** há
# conexões residuais. O corretor lê a estrutura do modelo (uma classe de bloco, `n_blocks`
# instâncias, cada uma com pelo menos 6 componentes) e verifica que todo bloco alimenta a saída
# (os blocos ficam encadeados: cada um recebe a saída do anterior).
#
# **EN.** Deep networks are usually built by repeating a *building block*. Propose a block with
# **at least 6 components** (layers registered as submodules: `nn.Linear`, `nn.BatchNorm1d`,
# `nn.ReLU()`, `nn.Dropout`...; use `nn.ReLU()` rather than `F.relu`, so the component shows in the
# model's structure) as a class of yours (any name), mapping `(B, width)` to `(B, width)`. Then
# write `build_block_stack(in_features, width, n_blocks, n_classes)`, returning an `nn.Module`
# made of, in this order: a *stem* `nn.Linear(in_features, width)` (the first `nn.Linear` the
# forward pass runs), **`n_blocks` distinct instances** of your block class with the same
# configuration (do not reuse one object: that would share its weights), and a head
# `nn.Linear(width, n_classes)` (the last `nn.Linear` run). Input `(B, in_features)` float32,
# output *logits* `(B, n_classes)`. There are **no** residual connections here. The grader reads
# the model's structure (one block class, `n_blocks` instances, each with at least 6 components)
# and checks that every block feeds the output (the blocks are chained: each one takes the
# previous one's output).


# %%
# BEGIN REMOVE
class _Block(nn.Module):
    """Pre-activation MLP block: BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU, Linear."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.BatchNorm1d(width),
            nn.ReLU(),
            nn.Linear(width, width),
            nn.BatchNorm1d(width),
            nn.ReLU(),
            nn.Linear(width, width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class _SkipBlock(_Block):
    """The same block with a skip connection around it: x + block(x), nothing after the sum."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.layers(x)


# END REMOVE
def build_block_stack(in_features: int, width: int, n_blocks: int, n_classes: int) -> nn.Module:
    """Stem Linear, n_blocks distinct blocks of >= 6 components (no skip), head Linear.

    Input (B, in_features), output logits (B, n_classes).
    """
    # BEGIN SOLUTION
    blocks = [_Block(width) for _ in range(n_blocks)]
    return nn.Sequential(nn.Linear(in_features, width), *blocks, nn.Linear(width, n_classes))
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: block_design (7.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Bloco de pré-ativação: BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU,
# Linear (largura constante). A BatchNorm mantém a escala das ativações estável de bloco para
# bloco, a ReLU dá a não linearidade, as duas Linear dão capacidade; largura constante permite
# repetir o bloco (e, em 7.2, somar a entrada à saída sem projeção). Repetir n instâncias
# distintas (pesos próprios) separa o desenho do bloco da profundidade da rede.
#
# **Model answer.** Pre-activation block: BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU, Linear (a
# constant width). BatchNorm keeps the activations' scale stable from block to block, ReLU brings
# the non-linearity, the two Linear layers bring capacity; a constant width lets the block repeat
# (and, in 7.2, lets the input be added to the output without a projection). Stacking n distinct
# instances (each with its own weights) separates the block's design from the network's depth.
# END REMOVE


# %% [markdown]
# ## 7.2 Conexões residuais entre blocos / Skip connections between blocks
#
# **PT.** Faça o mesmo com *skip connections* **entre** os blocos (He et al., CVPR 2016):
# `build_residual_stack(in_features, width, n_blocks, n_classes)` devolve o mesmo tipo de rede
# (stem, `n_blocks` instâncias distintas de uma classe de bloco com pelo menos 6 componentes,
# cabeça), em que cada bloco calcula `y = x + F(x)`, com `F` o seu bloco de 7.1 (a entrada do
# bloco somada à saída; uma ativação depois da soma é permitida, mas a soma deve envolver o bloco
# inteiro, não só uma parte dele). O corretor verifica duas coisas sozinho: (1) zerando todos os
# parâmetros exceto os do stem e da cabeça, a saída ainda depende da entrada (só os atalhos levam
# o sinal de ponta a ponta); (2) para `n_blocks = 30`, ele reinicializa as suas duas redes (7.1 e
# 7.2) com `reset_parameters()` sob a mesma semente, põe em modo `eval`, faz um *backward* da
# entropia cruzada em dígitos dele e mede a norma do gradiente do peso do stem: com atalhos, ela
# deve ficar acima de 1% da norma na cabeça e pelo menos 10 vezes maior que sem atalhos. Na parte
# escrita, explique por que os atalhos preservam o gradiente.
#
# **EN.** Do the same with *skip connections* **between** the blocks (He et al., CVPR 2016):
# `build_residual_stack(in_features, width, n_blocks, n_classes)` returns the same kind of network
# (stem, `n_blocks` distinct instances of one block class with at least 6 components, head), in
# which every block computes `y = x + F(x)`, with `F` your block of 7.1 (the block's input added
# to its output; an activation after the sum is allowed, but the sum must go around the whole
# block, not only part of it). The grader checks two things by itself: (1) with every parameter
# except the stem's and the head's set to zero, the output still depends on the input (only the
# skips carry the signal end to end); (2) for `n_blocks = 30`, it re-initialises both of your
# networks (7.1 and 7.2) with `reset_parameters()` under the same seed, puts them in `eval` mode,
# runs cross-entropy backward on its own digits and measures the gradient norm of the stem's
# weight: with skips it must stay above 1% of the head's and be at least 10 times larger than
# without skips. In the written part, explain why the skips preserve the gradient.


# %%
def build_residual_stack(in_features: int, width: int, n_blocks: int, n_classes: int) -> nn.Module:
    """The network of build_block_stack with a skip around every block: y = x + F(x)."""
    # BEGIN SOLUTION
    blocks = [_SkipBlock(width) for _ in range(n_blocks)]
    return nn.Sequential(nn.Linear(in_features, width), *blocks, nn.Linear(width, n_classes))
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: skip_gradients (7.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Sem atalhos, o gradiente no stem é o produto dos jacobianos de todos os
# blocos, ∂L/∂y_0 = ∂L/∂y_n · Π J_i; se cada fator encolhe o vetor (pesos pequenos, ReLU cortando
# metade das unidades), o produto cai exponencialmente com a profundidade: com 30 blocos o
# gradiente no stem é numericamente zero. Com y_i = y_{i-1} + F_i(y_{i-1}), cada jacobiano vira
# I + ∂F_i/∂y: o produto contém o termo identidade, então ∂L/∂y_n chega ao stem intacto mais os
# termos dos ramos. Na medida do corretor (reset_parameters, modo eval, 30 blocos), o gradiente do
# stem fica da ordem do da cabeça com atalhos e some sem eles.
#
# **Model answer.** Without skips, the stem's gradient is the product of every block's Jacobian,
# ∂L/∂y_0 = ∂L/∂y_n · Π J_i; if each factor shrinks the vector (small weights, ReLU cutting half the
# units), the product decays exponentially with depth: with 30 blocks the stem's gradient is
# numerically zero. With y_i = y_{i-1} + F_i(y_{i-1}), every Jacobian becomes I + ∂F_i/∂y: the
# product contains the identity term, so ∂L/∂y_n reaches the stem intact plus the branches' terms.
# In the grader's measurement (reset_parameters, eval mode, 30 blocks) the stem's gradient is of
# the order of the head's with skips and vanishes without them.
# END REMOVE


# %% [markdown]
# ## 7.3 Corrigindo o descasamento de formas / Fixing the shape mismatch
#
# **PT.** O código Keras do exercício começa com `d = 2` e `x = Dense(d, relu)(entrada)`; em cada
# um dos `n_blocks` blocos guarda `shortcut = x`, aplica `Dense(d)`, `Dense(2d)`, `Dense(4d)`,
# `Dense(2d)` (todas com ReLU), soma `x + shortcut`, dobra `d` e aplica `Dense(d, relu)`; no fim,
# `Dense(n_classes, softmax)`. A soma falha: o ramo sai com `2d` atributos e o atalho tem `d`.
# Escreva `build_fixed_mismatch_network(in_features, n_classes, n_blocks)`: a mesma rede em
# PyTorch, com **todas** as camadas do Keras (mesmas larguras, ReLU depois de cada uma, nenhuma
# ativação logo depois da soma) e o descasamento corrigido por uma **projeção** do atalho, uma
# `nn.Linear(d, 2d)` aplicada a `shortcut` antes da soma (opção B de He et al.; com ou sem
# viés). A saída são *logits* `(B, n_classes)` (a softmax fica na `cross_entropy`). O corretor
# roda a rede para todo `n_blocks` de 1 a 6, confere as formas de todas as `nn.Linear` (as do
# Keras mais uma projeção por bloco), conta uma soma residual por bloco e treina alguns passos
# (todo parâmetro recebe gradiente e a perda cai).
#
# **EN.** The exercise's Keras code starts with `d = 2` and `x = Dense(d, relu)(inputs)`; in each
# of the `n_blocks` blocks it keeps `shortcut = x`, applies `Dense(d)`, `Dense(2d)`, `Dense(4d)`,
# `Dense(2d)` (all with ReLU), adds `x + shortcut`, doubles `d` and applies `Dense(d, relu)`; at
# the end, `Dense(n_classes, softmax)`. The sum fails: the branch comes out with `2d` features and
# the shortcut has `d`. Write `build_fixed_mismatch_network(in_features, n_classes, n_blocks)`:
# the same network in PyTorch, with **every** Keras layer (same widths, ReLU after each one, no
# activation right after the sum) and the mismatch fixed by a **projection** of the shortcut, an
# `nn.Linear(d, 2d)` applied to `shortcut` before the sum (He et al.'s option B; with or without
# bias). The output is *logits* `(B, n_classes)` (the softmax lives in `cross_entropy`). The
# grader runs the network for every `n_blocks` from 1 to 6, checks the shapes of every
# `nn.Linear` (the Keras ones plus one projection per block), counts one residual addition per
# block and trains a few steps (every parameter gets a gradient and the loss falls).


# %%
# BEGIN REMOVE
class _ProjectedBlock(nn.Module):
    """One block of the Keras code with the shortcut projected from d to 2d features."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.branch = nn.Sequential(
            nn.Linear(d, d),
            nn.ReLU(),
            nn.Linear(d, 2 * d),
            nn.ReLU(),
            nn.Linear(2 * d, 4 * d),
            nn.ReLU(),
            nn.Linear(4 * d, 2 * d),
            nn.ReLU(),
        )
        self.projection = nn.Linear(d, 2 * d)  # the fix: the shortcut takes the branch's width
        self.after = nn.Sequential(nn.Linear(2 * d, 2 * d), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.after(self.branch(x) + self.projection(x))


# END REMOVE
def build_fixed_mismatch_network(in_features: int, n_classes: int, n_blocks: int) -> nn.Module:
    """The Keras network of 7.3 in PyTorch, each shortcut projected by nn.Linear(d, 2d)."""
    # BEGIN SOLUTION
    d = 2
    layers: list[nn.Module] = [nn.Linear(in_features, d), nn.ReLU()]
    for _ in range(n_blocks):
        layers.append(_ProjectedBlock(d))
        d *= 2
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: mismatch_fix (7.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Em cada bloco o ramo termina em Dense(2d) enquanto o atalho tem d
# atributos, e a soma ponto a ponto exige a mesma forma. Opções: projetar o atalho com uma camada
# linear d -> 2d (opção B de He et al.; é a usada aqui, com poucos parâmetros a mais); completar o
# atalho com zeros (opção A, sem parâmetros); ou fazer o ramo terminar em d (muda a arquitetura).
# A projeção só é necessária onde a largura muda; onde não muda, o atalho identidade é melhor.
#
# **Model answer.** In every block the branch ends in Dense(2d) while the shortcut has d features,
# and the point-wise sum needs equal shapes. Options: project the shortcut with a linear d -> 2d
# layer (He et al.'s option B, used here, a few extra parameters); pad the shortcut with zeros
# (option A, no parameters); or make the branch end in d (changes the architecture). A projection
# is only needed where the width changes; elsewhere the identity shortcut is better.
# END REMOVE


# %% [markdown]
# ## 7.4 Concatenando as camadas ocultas / Concatenating the hidden layers
#
# **PT.** Outra forma de combater o *vanishing gradient* é ligar **todas** as camadas ocultas
# diretamente à camada de saída (Figura 2 do enunciado; Huang et al., DenseNet). Escreva a classe
# `DenseConcatMLP(in_features, hidden, n_classes)`, um `nn.Module`: `hidden` é uma sequência não
# vazia de larguras positivas (senão `ValueError`); a camada oculta `i` é uma `nn.Linear` (da
# largura anterior, `in_features` para a primeira, para `hidden[i]`) seguida de uma ativação, e a
# camada de saída é uma `nn.Linear(sum(hidden), n_classes)` que lê a **concatenação das saídas de
# todas as camadas ocultas** (não a entrada). `forward(x)` leva `(B, in_features)` a *logits*
# `(B, n_classes)`. O corretor identifica as camadas pela ordem em que o *forward* executa as
# `nn.Linear` (a última é a de saída), perturba a saída de cada camada oculta mantendo as
# seguintes fixas e verifica que a perturbação chega à camada de saída diretamente; também mede o
# gradiente na primeira camada de uma rede com 30 camadas ocultas. Na parte escrita, diga que
# limitações da soma ponto a ponto a concatenação mitiga (e o que ela custa).
#
# **EN.** Another way to fight *vanishing gradients* is to connect **every** hidden layer directly
# to the output layer (the statement's Figure 2; Huang et al., DenseNet). Write the class
# `DenseConcatMLP(in_features, hidden, n_classes)`, an `nn.Module`: `hidden` is a non-empty
# sequence of positive widths (otherwise `ValueError`); hidden layer `i` is an `nn.Linear` (from
# the previous width, `in_features` for the first, to `hidden[i]`) followed by an activation, and
# the output layer is an `nn.Linear(sum(hidden), n_classes)` that reads the **concatenation of
# the outputs of every hidden layer** (not the input). `forward(x)` maps `(B, in_features)` to
# *logits* `(B, n_classes)`. The grader identifies the layers by the order in which the forward
# pass runs the `nn.Linear` modules (the last one is the output layer), perturbs each hidden
# layer's output while holding the later ones fixed and checks that the perturbation reaches the
# output layer directly; it also measures the gradient at the first layer of a network with 30
# hidden layers. In the written part, say which limitations of the point-wise sum concatenation
# mitigates (and what it costs).


# %%
class DenseConcatMLP(nn.Module):
    """Hidden Linear+ReLU layers; the output Linear reads the concatenation of all their outputs."""

    def __init__(self, in_features: int, hidden: Sequence[int], n_classes: int) -> None:
        # BEGIN SOLUTION
        super().__init__()
        widths = [int(w) for w in hidden]
        if not widths or min(widths) < 1:
            raise ValueError(f"hidden must be a non-empty sequence of positive widths: {hidden}")
        self.hidden = nn.ModuleList()
        previous = in_features
        for width in widths:
            self.hidden.append(nn.Sequential(nn.Linear(previous, width), nn.ReLU()))
            previous = width
        self.output = nn.Linear(sum(widths), n_classes)
        # END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # BEGIN SOLUTION
        outputs = []
        for layer in self.hidden:
            x = layer(x)
            outputs.append(x)
        return self.output(torch.cat(outputs, dim=1))
        # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: concat_vs_sum (7.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** A soma exige formas iguais (projeções quando a largura muda, como em 7.3) e
# mistura as representações: depois de y = x + F(x) a camada seguinte não separa o que veio do
# atalho do que veio do ramo, e termos podem se cancelar. A concatenação aceita larguras
# diferentes, preserva cada representação intacta e dá à camada de saída um caminho de um passo
# até cada camada oculta (gradiente direto em todas). Custo: a entrada da saída cresce com
# sum(hidden) (parâmetros e memória crescem com a profundidade), e as camadas intermediárias não
# passam a ser atalhos entre si.
#
# **Model answer.** The sum needs equal shapes (projections where the width changes, as in 7.3)
# and it mixes representations: after y = x + F(x) the next layer cannot tell what came through
# the skip from what came through the branch, and terms may cancel. Concatenation accepts
# different widths, keeps every representation intact and gives the output layer a one-step path
# to every hidden layer (a direct gradient to each). Cost: the output layer's input grows with
# sum(hidden) (parameters and memory grow with depth), and the hidden layers do not become
# shortcuts for one another.
# END REMOVE


# %% [markdown]
# ## 7.5 Lesões em uma rede residual treinada / Lesions in a trained residual network (★)
#
# **PT.** Em uma rede residual, o bloco `i` calcula `y_i = y_{i-1} + f_i(y_{i-1})`; zerar o ramo
# `f_i` dá `y_i = y_{i-1}`, isto é, pula o bloco (Veit et al., NeurIPS 2016). O corretor usa uma
# rede residual treinada nos dígitos, da classe `ResidualMLP` de
# `harness.probes.ch07_residual` (a mesma que você pode importar): `model.stem`
# (`nn.Linear(64, 32)`), `model.blocks` (um `nn.ModuleList` de 6 blocos, índices 0 a 5; o bloco
# `i` calcula `x + model.blocks[i].branch(x)`, sem ativação depois da soma) e `model.head`. Os
# dados são `X` float32 `(n, 64)` (pixels / 16, array numpy) e `y` inteiros `(n,)`.
#
# - `residual_lesion(model, X, y)` devolve `{i: acurácia}` para todo bloco `i` (chaves `int`
#   0..n-1): a acurácia em `(X, y)` com **só** o ramo do bloco `i` zerado, em modo `eval`. Restaure
#   o bloco antes de lesionar o próximo (uma lesão por vez, nunca acumuladas) e devolva o modelo
#   como o recebeu: mesmos pesos e buffers, mesmo modo `train`/`eval` em todo módulo (ele pode
#   chegar em modo de treino), nenhum *hook* deixado.
# - `removable_blocks_per_sample(model, X)` devolve, para cada amostra (na ordem de `X`), uma lista
#   de índices de blocos distintos cujos ramos podem ser zerados **todos juntos** sem mudar a
#   classe prevista para aquela amostra (em modo `eval`), e **maximal**: zerar também qualquer
#   outro bloco muda a classe. Deixe o modelo como o recebeu.
#
# O corretor confere tudo com os próprios *forward passes* (uma lista vazia onde um bloco poderia
# ser removido não vale nada) e desenha suas acurácias por bloco ao lado das dele. Na parte escrita
# (★): o que o estudo de lesões diz sobre a rede, como identificar os blocos que não afetam a
# predição, e se dá para desligar um conjunto de blocos por amostra sem mudar a classificação.
#
# **EN.** In a residual network block `i` computes `y_i = y_{i-1} + f_i(y_{i-1})`; zeroing the
# branch `f_i` gives `y_i = y_{i-1}`, i.e. it skips the block (Veit et al., NeurIPS 2016). The
# grader uses a residual network trained on the digits, of the class `ResidualMLP` in
# `harness.probes.ch07_residual` (the same one you can import): `model.stem` (`nn.Linear(64,
# 32)`), `model.blocks` (an `nn.ModuleList` of 6 blocks, indices 0 to 5; block `i` computes
# `x + model.blocks[i].branch(x)`, with no activation after the sum) and `model.head`. The data
# are `X` float32 `(n, 64)` (pixels / 16, a numpy array) and `y` integers `(n,)`.
#
# - `residual_lesion(model, X, y)` returns `{i: accuracy}` for every block `i` (`int` keys
#   0..n-1): the accuracy on `(X, y)` with **only** block `i`'s branch zeroed, in `eval` mode.
#   Restore the block before lesioning the next one (one lesion at a time, never accumulated) and
#   give the model back as it came: same weights and buffers, the same `train`/`eval` mode in every
#   module (it may arrive in training mode), no hook left behind.
# - `removable_blocks_per_sample(model, X)` returns, for each sample (in the order of `X`), a list
#   of distinct block indices whose branches can **all be zeroed together** without changing that
#   sample's predicted class (in `eval` mode), and that is **maximal**: zeroing any other block as
#   well changes the class. Leave the model as it came.
#
# The grader checks everything with its own forward passes (an empty list where some block could
# be removed earns nothing) and draws your per-block accuracies next to its own. Written part
# (★): what the lesion study says about the network, how to identify the blocks that do not affect
# the prediction, and whether a set of blocks can be switched off per sample without changing the
# classification.


# %%
# BEGIN REMOVE
def _blocks_of(model: nn.Module) -> list[nn.Module]:
    blocks = getattr(model, "blocks", None)
    if not isinstance(blocks, nn.ModuleList):
        raise TypeError("model.blocks must be an nn.ModuleList of residual blocks")
    return list(blocks)


def _modes(model: nn.Module) -> dict[nn.Module, bool]:
    return {module: module.training for module in model.modules()}


def _restore_modes(modes: dict[nn.Module, bool]) -> None:
    for module, training in modes.items():
        module.training = training  # not .train(): that would recurse into the children


def _predict_with_removed(model: nn.Module, x: torch.Tensor, removed: torch.Tensor) -> torch.Tensor:
    """Predicted classes with branch j of sample b zeroed wherever removed[b, j] (eval, no grad)."""
    keep = (~removed).to(x.dtype)
    handles = [
        block.branch.register_forward_hook(
            lambda module, inputs, output, j=j: output * keep[:, j : j + 1]
        )
        for j, block in enumerate(_blocks_of(model))
    ]
    try:
        return model(x).argmax(dim=1)
    finally:
        for handle in handles:
            handle.remove()


# END REMOVE
def residual_lesion(model: nn.Module, X: np.ndarray, y: np.ndarray) -> dict[int, float]:
    """{i: accuracy on (X, y) with only block i's residual branch zeroed}, measured in eval mode.

    The model comes back as it was (weights, buffers, modes, hooks).
    """
    # BEGIN SOLUTION
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    n_blocks = len(_blocks_of(model))
    modes = _modes(model)
    model.eval()
    try:
        with torch.no_grad():
            accuracies = {}
            for i in range(n_blocks):
                removed = torch.zeros(len(x), n_blocks, dtype=torch.bool)
                removed[:, i] = True
                predicted = _predict_with_removed(model, x, removed)
                accuracies[i] = float((predicted == labels).double().mean())
    finally:
        _restore_modes(modes)
    return accuracies
    # END SOLUTION


def removable_blocks_per_sample(model: nn.Module, X: np.ndarray) -> list[list[int]]:
    """Per sample, a maximal set of blocks whose branches can be zeroed together, same class.

    Measured in eval mode; the model comes back as it was.
    """
    # BEGIN SOLUTION
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    n_blocks = len(_blocks_of(model))
    modes = _modes(model)
    model.eval()
    try:
        with torch.no_grad():
            removed = torch.zeros(len(x), n_blocks, dtype=torch.bool)
            original = _predict_with_removed(model, x, removed)
            # greedy, repeated until nothing can be added: adding a block can make another one
            # removable again, so a single pass is not always maximal
            grew = True
            while grew:
                grew = False
                for j in range(n_blocks):
                    candidates = ~removed[:, j]
                    if not candidates.any():
                        continue
                    trial = removed.clone()
                    trial[:, j] = True
                    accepted = candidates & (_predict_with_removed(model, x, trial) == original)
                    if accepted.any():
                        removed[accepted, j] = True
                        grew = True
    finally:
        _restore_modes(modes)
    return [torch.nonzero(row).flatten().tolist() for row in removed]
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: lesion_discussion (7.5)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Na rede fornecida, zerar o ramo do bloco 0 leva a acurácia ao acaso, o
# bloco 1 custa cerca de 10 pontos e os blocos 2 a 5 custam uns 2 pontos ou menos: a rede se comporta
# como um conjunto de caminhos de profundidades diferentes (Veit et al.), e só alguns blocos são
# críticos. Os blocos que não afetam a predição são os de lesão barata (acurácia dentro de uma
# tolerância da base); por amostra, a busca gulosa repetida até estabilizar acha um conjunto
# maximal removível, em geral com 4 a 6 blocos: sim, dá para desligar blocos por amostra sem mudar
# a classe, o que abre caminho para inferência adaptativa (pular blocos em exemplos fáceis). O
# conjunto maximal não é único nem de tamanho máximo (depende da ordem), e efeitos de lesões não
# se somam: por isso é preciso testar os blocos juntos, restaurando os pesos entre lesões.
#
# **Model answer.** In the shipped net, zeroing block 0's branch takes the accuracy to chance,
# block 1 costs about 10 points and blocks 2 to 5 about 2 points or less: the network behaves like an
# ensemble of paths of different depths (Veit et al.), and only a few blocks are critical. Blocks
# that do not affect the prediction are those with a cheap lesion (accuracy within a tolerance of
# the baseline); per sample, the greedy search repeated until stable finds a maximal removable set,
# usually 4 to 6 blocks: yes, blocks can be switched off per sample without changing the class,
# which opens the way to adaptive inference (skipping blocks on easy examples). The maximal set is
# neither unique nor of maximum size (it depends on the order), and lesion effects do not add up:
# that is why blocks must be tested together, restoring the weights between lesions.
# END REMOVE
