# %% [markdown]
# # PCS 5022 — Capítulo 4: Aprendizado profundo / Chapter 4: Deep learning
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Use PyTorch, numpy e scikit-learn. Rode
# `grade check ch04_deep_learning ch04_deep_learning.py` para as verificações públicas; o corretor
# usa muitas outras, ocultas, que testam propriedades (invariâncias, efeitos colaterais, agrupamento
# de camadas em robustas e críticas...). Nenhuma função pode deixar o modelo recebido diferente do
# que era: mesmos pesos, mesmos buffers, mesmo modo (`train`/`eval`), nenhum *hook* sobrando.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Use PyTorch, numpy and scikit-learn. Run
# `grade check ch04_deep_learning ch04_deep_learning.py` for the public checks; the grader uses many
# more hidden ones that test properties (invariances, side effects, the split of layers into robust
# and critical...). No function may leave the model it receives different from how it found it:
# same weights, same buffers, same mode (`train`/`eval`), no hook left behind.

# %%
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 4.1 Largura contra profundidade / Width versus depth
#
# **PT.** A quantidade de parâmetros costuma indicar a capacidade de um modelo, e ela pode crescer
# com mais neurônios por camada ou com mais camadas. Tome uma rede com duas camadas ocultas de `n`
# neurônios cada (largura `{n, n}`, 2n neurônios ocultos ao todo) e redistribua esses mesmos 2n
# neurônios em `k` camadas ocultas. Por exemplo, `n = 2048` dá `{1024} x 4` com `k = 4` e
# `{512} x 8` com `k = 8`.
#
# - `redistribute_neurons(n, k)` devolve a lista das `k` larguras: soma exatamente `2n`, o mais
#   uniforme possível (larguras diferem em no máximo 1). Quando `2n` não é divisível por `k`, as
#   `2n mod k` **primeiras** camadas recebem um neurônio a mais (ex.: `n = 5, k = 3` dá
#   `[4, 3, 3]`; o corretor aceita as larguras em qualquer ordem). `n < 1`, `k < 1` ou `k > 2n`
#   (alguma camada ficaria sem neurônios) levantam `ValueError`.
# - `count_parameters(model)` conta só os parâmetros **treináveis** (`requires_grad=True`); um
#   parâmetro compartilhado por duas camadas conta uma vez; buffers (ex.: estatísticas do
#   BatchNorm) não são parâmetros.
# - `measure_latency(model, x)` mede a latência de inferência: o tempo, em **segundos**, de uma
#   passagem *forward* do lote `x` inteiro (mediana de algumas repetições, após aquecimento), em
#   modo de avaliação e sem gradientes. O modelo volta ao modo em que estava e nada nele muda
#   (nem as estatísticas do BatchNorm).
#
# O relatório de correção mostra uma tabela comparando, para n = 512, as redes com k = 2, 4 e 8:
# parâmetros, armazenamento e latência medidos com as suas funções. Discuta (parte escrita): qual
# arquitetura é mais eficiente em latência, armazenamento e número de parâmetros, e por quê?
#
# **EN.** The number of parameters often indicates a model's capacity, which grows with more units
# per layer or with more layers. Take a network with two hidden layers of `n` units each (width
# `{n, n}`, 2n hidden units in all) and spread the same 2n units over `k` hidden layers. For example,
# `n = 2048` gives `{1024} x 4` with `k = 4` and `{512} x 8` with `k = 8`.
#
# - `redistribute_neurons(n, k)` returns the list of the `k` widths: they sum to exactly `2n` and are
#   as even as possible (widths differ by at most 1). When `k` does not divide `2n`, the **first**
#   `2n mod k` layers get one extra unit (e.g. `n = 5, k = 3` gives `[4, 3, 3]`; the grader accepts
#   the widths in any order). `n < 1`, `k < 1` or `k > 2n` (some layer would have no units) raise
#   `ValueError`.
# - `count_parameters(model)` counts **trainable** parameters only (`requires_grad=True`); a
#   parameter shared by two layers counts once; buffers (e.g. BatchNorm statistics) are not
#   parameters.
# - `measure_latency(model, x)` measures inference latency: the time, in **seconds**, of one
#   forward pass of the whole batch `x` (the median of a few repetitions, after a warm-up), in
#   evaluation mode and without gradients. The model goes back to the mode it was in and nothing in
#   it changes (BatchNorm statistics included).
#
# The feedback report shows a table comparing, for n = 512, the networks with k = 2, 4 and 8:
# parameters, storage and latency measured with your functions. Discuss (written part): which
# architecture is the most efficient in latency, storage and number of parameters, and why?


# %%
def redistribute_neurons(n: int, k: int) -> list[int]:
    """The widths of k hidden layers holding the 2n units of a {n, n} network, as even as possible."""
    raise NotImplementedError("Implemente esta função / implement this function")


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars (requires_grad=True), each shared parameter counted once."""
    raise NotImplementedError("Implemente esta função / implement this function")


def measure_latency(model: nn.Module, x: torch.Tensor, repeats: int = 10) -> float:
    """Seconds per forward pass of the batch x (median over repeats), eval mode, no grad."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: width_depth_efficiency_discussion (4.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*


# %% [markdown]
# ## 4.2 Similaridade entre representações: CKA linear / Representation similarity: linear CKA
#
# **PT.** A saída de uma camada para um conjunto de n amostras é a representação interna dessa
# camada: uma matriz n x p. Para comparar duas representações (de duas camadas da mesma rede, ou
# de redes diferentes, desde que para as **mesmas** n amostras), use o CKA linear (Kornblith et
# al., 2019): centralize cada coluna de `X` (n x p) e de `Y` (n x q) e calcule
# $\mathrm{CKA}(X, Y) = \|Y^T X\|_F^2 / (\|X^T X\|_F \, \|Y^T Y\|_F)$.
# O CKA vale 1 para representações iguais, é simétrico, invariante a transformações ortogonais, a
# escala isotrópica e a deslocamentos das colunas, mas **não** a transformações inversíveis
# quaisquer, e fica em [0, 1]. Calcule em float64, mesmo quando `X` e `Y` vêm em float32 (o
# corretor exige erro relativo de no máximo 1e-5), e use a forma no espaço de atributos acima (ela
# custa O(n p q); não construa matrizes de Gram n x n: o corretor usa n = 20 000 e dá 5 segundos).
# Se `X` e `Y` têm números de linhas diferentes, ou se alguma delas tem variância zero (todas as
# linhas iguais depois de centralizar), levante `ValueError`.
#
# **EN.** A layer's output for a set of n samples is its internal representation: an n x p matrix.
# To compare two representations (of two layers of the same network, or of different networks, as
# long as they are computed for the **same** n samples), use linear CKA (Kornblith et al., 2019):
# centre each column of `X` (n x p) and of `Y` (n x q) and compute
# $\mathrm{CKA}(X, Y) = \|Y^T X\|_F^2 / (\|X^T X\|_F \, \|Y^T Y\|_F)$.
# CKA is 1 for identical representations, symmetric, invariant to orthogonal transforms, isotropic
# scaling and column shifts, but **not** to arbitrary invertible maps, and lies in [0, 1]. Compute
# in float64, even when `X` and `Y` come as float32 (the grader requires a relative error of at
# most 1e-5), and use the feature-space form above (it costs O(n p q); do not build n x n Gram
# matrices: the grader uses n = 20,000 and allows 5 seconds). If `X` and `Y` have different
# numbers of rows, or if either has zero variance (all rows equal after centring), raise
# `ValueError`.


# %%
def linear_cka(X: np.ndarray, Y: np.ndarray) -> float:
    """Linear CKA between representations X (n x p) and Y (n x q) of the same n samples."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 4.3 Extraindo representações internas / Extracting internal representations
#
# **PT.** `extract_representations(model, X, layer_names)` devolve um dicionário
# `{nome: array (n, d)}` com a saída de cada submódulo pedido, identificado pelo nome que ele tem
# em `model.named_modules()` (ex.: `"0"`, `"bloco.2"`), para as n amostras de `X` (array numpy ou
# tensor). Use *forward hooks* (`register_forward_hook`), uma única passagem *forward* em modo de
# avaliação e sem gradientes; saídas com mais de duas dimensões são achatadas para (n, d). Os
# valores são arrays numpy comuns (nada de tensores, nada de grafo de autograd). Depois da chamada,
# todos os *hooks* foram removidos e o modelo está no modo em que estava (`train` ou `eval`), com
# os mesmos pesos e buffers, **mesmo se a função levantar uma exceção** (use `try`/`finally`). Um
# nome que não existe no modelo levanta `ValueError`.
#
# `concat_representations(reps, layer_names)` junta as representações das camadas pedidas, **na
# ordem de `layer_names`**, numa matriz (n, soma dos d) que pode alimentar um classificador simples
# (ex.: regressão logística). Números de linhas diferentes entre camadas (ou `layer_names` vazio)
# levantam `ValueError`.
#
# **EN.** `extract_representations(model, X, layer_names)` returns a dict `{name: array (n, d)}`
# with the output of each requested submodule, identified by its name in `model.named_modules()`
# (e.g. `"0"`, `"block.2"`), for the n samples of `X` (a numpy array or a tensor). Use forward hooks
# (`register_forward_hook`), a single forward pass in evaluation mode and without gradients; outputs
# with more than two dimensions are flattened to (n, d). Values are plain numpy arrays (no tensors,
# no autograd graph). After the call every hook has been removed and the model is in the mode it was
# in (`train` or `eval`), with the same weights and buffers, **even if the function raises** (use
# `try`/`finally`). A name that does not exist in the model raises `ValueError`.
#
# `concat_representations(reps, layer_names)` joins the representations of the requested layers,
# **in the order of `layer_names`**, into an (n, sum of d) matrix that can feed a simple classifier
# (e.g. logistic regression). Different row counts across layers (or an empty `layer_names`) raise
# `ValueError`.


# %%
def extract_representations(
    model: nn.Module, X: np.ndarray, layer_names: list[str]
) -> dict[str, np.ndarray]:
    """{name: (n, d) numpy array}: the output of each named submodule, via forward hooks."""
    raise NotImplementedError("Implemente esta função / implement this function")


def concat_representations(reps: dict[str, np.ndarray], layer_names: list[str]) -> np.ndarray:
    """The representations of layer_names, in that order, side by side: (n, sum of d)."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 4.4 Separabilidade por camada / Separability layer by layer
#
# **PT.** Para ilustrar quão separáveis as classes ficam na representação de cada camada, treine
# uma **sonda linear** por camada: extraia as representações de `X_train` e `X_test`
# (`extract_representations`), ajuste uma regressão logística multinomial
# (`StandardScaler` + `LogisticRegression(max_iter=1000)` do scikit-learn, `C = 1`) **apenas** no
# treino e devolva a acurácia no teste: `{nome: acurácia}`. O corretor recalcula as acurácias com a
# própria sonda e exige concordância (margem de alguns pontos percentuais) e a tendência esperada
# numa rede treinada: a saída da primeira camada linear (uma função linear da entrada) não separa
# mais que a entrada, e as camadas após não linearidades separam muito mais.
#
# **EN.** To show how separable the classes are in each layer's representation, train a **linear
# probe** per layer: extract the representations of `X_train` and `X_test`
# (`extract_representations`), fit a multinomial logistic regression (scikit-learn's
# `StandardScaler` + `LogisticRegression(max_iter=1000)`, `C = 1`) on the training set **only**, and
# return its accuracy on the test set: `{name: accuracy}`. The grader recomputes the accuracies with
# its own probe and requires agreement (a margin of a few percentage points) and the expected trend
# in a trained network: the output of the first linear layer (a linear function of the input)
# separates no better than the input, and the layers after nonlinearities separate far better.


# %%
def layer_probe_accuracies(
    model: nn.Module,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    layer_names: list[str],
) -> dict[str, float]:
    """{name: test accuracy of a linear probe fitted on that layer's training representation}."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ## 4.5 Camadas robustas e críticas / Robust and critical layers
#
# **PT.** Zhang, Bengio e Singer (JMLR 2022) mostram que, depois do treino, algumas camadas podem
# voltar aos seus valores iniciais quase sem perda de acurácia (**robustas**), enquanto outras não
# (**críticas**). `reinit_robustness(model, init_state, X, y)` recebe um modelo treinado e o
# `state_dict` do mesmo modelo na inicialização. Para **cada submódulo que possui parâmetros
# diretamente** (`module.named_parameters(recurse=False)` não vazio; chave = nome em
# `model.named_modules()`, `""` para a raiz), copie para os parâmetros **desse submódulo apenas**
# os valores de `init_state` (os buffers ficam como estão), meça a acurácia do modelo em `(X, y)`
# (modo de avaliação, sem gradientes) e **restaure** os valores treinados antes de passar ao
# próximo: uma camada reiniciada por vez, todas as outras treinadas. Devolva `{nome: acurácia}`.
# Ao final o modelo está exatamente como foi recebido (mesmos valores bit a bit, mesmo modo).
# Cuidado: `model.state_dict()` devolve tensores que **compartilham memória** com os parâmetros;
# guarde cópias (`.clone()`).
#
# `classify_layers(results, baseline, tolerance=0.05)` rotula cada camada: `"robust"` quando
# `baseline - acurácia <= tolerance` (inclusive no limite exato), senão `"critical"`.
#
# O corretor aplica suas funções a um MLP treinado nos dígitos do scikit-learn (fornecido com seu
# checkpoint inicial) e mostra, num gráfico de barras, as suas acurácias por camada ao lado das da
# solução de referência. Discuta (parte escrita): quais camadas são críticas, quais são robustas e
# por quê?
#
# **EN.** Zhang, Bengio and Singer (JMLR 2022) show that after training some layers can be put back
# to their initial values with almost no loss of accuracy (**robust**), while others cannot
# (**critical**). `reinit_robustness(model, init_state, X, y)` takes a trained model and the
# `state_dict` of the same model at initialisation. For **each submodule that directly owns
# parameters** (`module.named_parameters(recurse=False)` is not empty; key = its name in
# `model.named_modules()`, `""` for the root), copy the `init_state` values into the parameters of
# **that submodule only** (buffers stay as they are), measure the model's accuracy on `(X, y)`
# (evaluation mode, no gradients) and **restore** the trained values before moving on: one layer
# re-initialised at a time, every other layer trained. Return `{name: accuracy}`. Afterwards the
# model is exactly as it was received (same values bit for bit, same mode). Beware:
# `model.state_dict()` returns tensors that **share memory** with the parameters; keep copies
# (`.clone()`).
#
# `classify_layers(results, baseline, tolerance=0.05)` labels each layer: `"robust"` when
# `baseline - accuracy <= tolerance` (the exact boundary included), else `"critical"`.
#
# The grader applies your functions to an MLP trained on scikit-learn's digits (shipped with its
# initial checkpoint) and shows your per-layer accuracies next to the reference solution's in a bar
# chart. Discuss (written part): which layers are critical, which are robust, and why?


# %%
def reinit_robustness(
    model: nn.Module, init_state: dict[str, torch.Tensor], X: np.ndarray, y: np.ndarray
) -> dict[str, float]:
    """{module name: accuracy on (X, y) with only that module's parameters reset to init_state}."""
    raise NotImplementedError("Implemente esta função / implement this function")


def classify_layers(
    results: dict[str, float], baseline: float, tolerance: float = 0.05
) -> dict[str, str]:
    """'robust' where baseline - accuracy <= tolerance, else 'critical'."""
    raise NotImplementedError("Implemente esta função / implement this function")


# %% [markdown]
# ### Resposta / Answer: robust_critical_discussion (4.5)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
