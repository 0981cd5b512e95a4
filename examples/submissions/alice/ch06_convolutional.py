# %% [markdown]
# # PCS 5022 — Capítulo 6: Redes convolucionais / Chapter 6: Convolutional networks
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Use PyTorch, numpy e scikit-learn. Rode
# `grade check ch06_convolutional ch06_convolutional.py` para as verificações públicas; as ocultas
# testam propriedades (invariâncias, efeitos colaterais, o grafo executado pelo seu modelo) e o
# corretor mede ele mesmo as acurácias, em dados que ele escolhe. Nenhuma função pode deixar o
# modelo recebido diferente do que era (mesmos pesos e buffers, mesmo modo `train`/`eval`, nenhum
# *hook* sobrando), salvo quando o enunciado diz o contrário.
#
# Quase todos os exercícios usam a mesma CNN pequena, treinada pelo corretor nos dígitos do
# scikit-learn ampliados (interpolação bilinear) de 8x8 para **16x16**: a arquitetura é
# `_digits_cnn()` abaixo. Ela foi treinada nos dígitos ocupando a imagem toda e em cópias
# desenhadas com tamanho aleatório de 9 a 16 pixels em posição aleatória da imagem 16x16. Para
# experimentar, treine a sua própria cópia com `_digits_images(16)` (mesma divisão treino/teste do
# corretor): algumas épocas de Adam bastam.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Use PyTorch, numpy and scikit-learn. Run
# `grade check ch06_convolutional ch06_convolutional.py` for the public checks; the hidden ones test
# properties (invariances, side effects, the graph your model runs) and the grader measures
# accuracies itself, on data it chooses. No function may leave the model it receives different
# from how it found it (same weights and buffers, same `train`/`eval` mode, no hook left behind),
# unless the statement says otherwise.
#
# Almost every exercise uses the same small CNN, trained by the grader on the scikit-learn digits
# enlarged (bilinear interpolation) from 8x8 to **16x16**: its architecture is `_digits_cnn()`
# below. It was trained on digits filling the whole image and on copies drawn at a random size of
# 9 to 16 pixels at a random position of the 16x16 image. To experiment, train your own copy on
# `_digits_images(16)` (the grader's train/test split): a few epochs of Adam are enough.

# %%
from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional as F


def _digits_cnn() -> nn.Sequential:
    """The architecture of the grader's CNN (module names '0' ... '11')."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),  # 0: 16x16
        nn.BatchNorm2d(16),  # 1
        nn.ReLU(),  # 2
        nn.MaxPool2d(2),  # 3: 8x8
        nn.Conv2d(16, 32, 3, padding=1),  # 4
        nn.BatchNorm2d(32),  # 5
        nn.ReLU(),  # 6
        nn.MaxPool2d(2),  # 7: 4x4
        nn.Conv2d(32, 64, 4),  # 8: 1x1 at 16x16 only
        nn.ReLU(),  # 9
        nn.Flatten(),  # 10
        nn.Linear(64, 10),  # 11
    )


def _digits_images(size: int = 16) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(X_train, y_train, X_test, y_test): the digits (pixels / 16) enlarged to size x size,
    float32 (n, 1, size, size), split as the grader splits them (stratified, 30% test, seed 0)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = (data.data / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, data.target, test_size=0.3, random_state=0, stratify=data.target
    )

    def enlarge(flat: np.ndarray) -> torch.Tensor:
        images = torch.from_numpy(flat).reshape(-1, 1, 8, 8)
        return F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)

    return enlarge(X_train), torch.from_numpy(y_train), enlarge(X_test), torch.from_numpy(y_test)


# %% [markdown]
# ## 6.1 Atributos de várias camadas / Features of several layers
#
# **PT.** Escolha algumas camadas de uma CNN, extraia os atributos (*features*) que cada uma produz,
# projete-os em duas dimensões e analise qual camada separa melhor as classes.
#
# - `layer_features(model, X, layer_names)`: para cada nome de `layer_names` (nomes de
#   `model.named_modules()`, como `"3"` ou `"7"`), a **saída** desse submódulo para a entrada `X`
#   (tensor ou array float32 `(n, 1, H, W)`), achatada por amostra num array numpy `(n, d)` (por
#   exemplo `saida.reshape(n, -1)`). Devolva `{nome: array}` com exatamente os nomes pedidos. Use
#   *forward hooks*, em modo de avaliação e sem gradientes; depois, remova os *hooks* e devolva o
#   modelo ao modo em que estava. Um nome que não existe levanta `ValueError`.
# - `separation_scores(features, y)`: recebe `{nome: array (n, d)}` e os rótulos `y` (n,), projeta
#   os atributos de cada camada em 2-D (PCA, ou outro método determinístico) e devolve
#   `{nome: float}`, uma **pontuação de separação** das classes na projeção: maior = classes mais
#   separadas. A pontuação é escolha sua; sugestão: o coeficiente de silhueta
#   (`sklearn.metrics.silhouette_score`) dos pontos 2-D com as classes como grupos (outras: razão de
#   Fisher, acurácia de vizinhos mais próximos). Exigências: a pontuação de uma camada depende só
#   dos atributos dela e dos rótulos (não da ordem das chaves); multiplicar os atributos de uma
#   camada por uma constante positiva (mudar de unidade) não muda a sua pontuação; nada nas
#   entradas é modificado.
#
# O corretor extrai com a sua `layer_features` as camadas `"3"`, `"7"` e `"9"` da CNN treinada para
# dígitos de três classes e compara com as saídas que ele mesmo mede. Depois, passa a
# `separation_scores` os atributos **dele** dessas camadas e compara a **ordem** das camadas pela
# sua pontuação com a ordem pela pontuação dele (silhueta em 2-D): elas devem coincidir. O
# relatório mostra as projeções 2-D dos seus atributos. Parte escrita: qual camada separa melhor
# as classes, por quê, e o que a projeção em 2-D esconde?
#
# **EN.** Pick a few layers of a CNN, extract the features each one produces, project them to two
# dimensions and analyse which layer separates the classes best.
#
# - `layer_features(model, X, layer_names)`: for each name in `layer_names` (names of
#   `model.named_modules()`, such as `"3"` or `"7"`), the **output** of that submodule for the input
#   `X` (a float32 tensor or array `(n, 1, H, W)`), flattened per sample into a numpy array `(n, d)`
#   (e.g. `output.reshape(n, -1)`). Return `{name: array}` with exactly the requested names. Use
#   forward hooks, in evaluation mode and without gradients; afterwards remove the hooks and put
#   the model back in the mode it was in. A name that does not exist raises `ValueError`.
# - `separation_scores(features, y)`: takes `{name: array (n, d)}` and the labels `y` (n,),
#   projects each layer's features to 2-D (PCA, or another deterministic method) and returns
#   `{name: float}`, a **separation score** of the classes in the projection: higher = classes
#   further apart. The score is your choice; suggestion: the silhouette coefficient
#   (`sklearn.metrics.silhouette_score`) of the 2-D points with the classes as clusters (others:
#   Fisher's ratio, nearest-neighbour accuracy). Requirements: a layer's score depends only on its
#   features and the labels (not on the order of the keys); multiplying a layer's features by a
#   positive constant (a change of units) does not change its score; nothing in the inputs is
#   modified.
#
# The grader extracts with your `layer_features` the layers `"3"`, `"7"` and `"9"` of the trained
# CNN for digits of three classes and compares them with the outputs it measures itself. Then it
# passes **its own** features of these layers to `separation_scores` and compares the **order** of
# the layers by your score with their order by its score (silhouette in 2-D): they must agree. The
# report shows the 2-D projections of your features. Written part: which layer separates the
# classes best, why, and what does the 2-D projection hide?


# %%
def layer_features(model, X, layer_names):
    names = list(layer_names)
    clone = copy.deepcopy(model).eval()
    modules = dict(clone.named_modules())
    if any(name not in modules for name in names):
        raise ValueError(f"unknown layer among {names}")
    seen = {}
    handles = [
        modules[name].register_forward_hook(
            lambda module, args, out, name=name: seen.__setitem__(name, out)
        )
        for name in names
    ]
    with torch.inference_mode():
        clone(torch.as_tensor(np.asarray(X, dtype=np.float32)))
    for handle in handles:
        handle.remove()
    return {name: seen[name].flatten(start_dim=1).numpy().copy() for name in names}


def separation_scores(features, y):
    from sklearn.decomposition import PCA

    labels = np.asarray(y)
    scores = {}
    for name in features:
        data = np.asarray(features[name], dtype=np.float64).reshape(len(labels), -1)
        points = PCA(n_components=2, svd_solver="full").fit_transform(data)
        centre = points.mean(axis=0)
        between = within = 0.0
        for label in np.unique(labels):
            group = points[labels == label]
            between += len(group) * np.sum((group.mean(axis=0) - centre) ** 2)
            within += np.sum((group - group.mean(axis=0)) ** 2)
        scores[name] = float(between / within) if within > 0 else 0.0
    return scores


# %% [markdown]
# ### Resposta / Answer: layer_separation_discussion (6.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# A camada '9' (64 ativações antes da camada linear) separa melhor; '3' quase não separa. As
# primeiras camadas respondem a bordas que todas as classes têm; as últimas são treinadas para que
# a camada linear final consiga separar as classes. A projeção 2-D só mostra as duas direções de
# maior variância: classes que se sobrepõem no gráfico podem estar separadas nas 64 dimensões.


# %% [markdown]
# ## 6.2 Inferência em qualquer resolução / Inference at any resolution
#
# **PT.** Touvron et al. (NeurIPS 2019) observaram que uma CNN treinada numa resolução pode fazer
# inferência em outra. A CNN do corretor, porém, só funciona na resolução de treino: a convolução
# `"8"` reduz o mapa 4x4 de uma entrada 16x16 a 1x1, e `Flatten` + `Linear(64, 10)` exigem esses
# 64 valores; com uma entrada 24x24 o `Flatten` produz 576 valores e a camada linear falha.
# Escreva `make_resolution_agnostic(model)`, que recebe essa CNN treinada (um `nn.Sequential` com
# a arquitetura de `_digits_cnn()`) e devolve um `nn.Module`, em modo de avaliação, que:
#
# - aceita entradas `(B, 1, H, W)` de qualquer tamanho a partir de 16x16 (o corretor usa 16, 20,
#   24 e 32) e devolve *logits* `(B, 10)`;
# - usa os parâmetros treinados **sem alteração**: todo tensor do `state_dict()` recebido aparece,
#   com valores idênticos bit a bit, no `state_dict()` do modelo devolvido (os nomes podem mudar se
#   você reorganizar os módulos), e nenhum parâmetro novo é criado (nada é treinado);
# - dá **as mesmas saídas** que o modelo original na resolução de treino (16x16);
# - **não redimensiona a entrada**: a primeira convolução recebe a imagem do tamanho em que ela
#   chegou (o corretor verifica o grafo executado);
# - fica acima do acaso (0.1) em dígitos ampliados para 20x20 e 24x24 ocupando a imagem toda: o
#   corretor mede a acurácia média nesses dois tamanhos (nota cheia a partir de 0.5, nenhuma em 0.2
#   ou abaixo).
#
# Não modifique o modelo recebido (trabalhe numa cópia). Parte escrita: qual componente da
# arquitetura torna a solução possível, e por que as saídas em 16x16 não mudam?
#
# **EN.** Touvron et al. (NeurIPS 2019) observed that a CNN trained at one resolution can run
# inference at another. The grader's CNN, however, only works at its training resolution: the
# convolution `"8"` reduces the 4x4 map of a 16x16 input to 1x1, and `Flatten` + `Linear(64, 10)`
# need those 64 values; with a 24x24 input `Flatten` yields 576 values and the linear layer
# fails. Write `make_resolution_agnostic(model)`, which takes this trained CNN (an `nn.Sequential`
# with the architecture of `_digits_cnn()`) and returns an `nn.Module`, in evaluation mode, that:
#
# - accepts inputs `(B, 1, H, W)` of any size from 16x16 up (the grader uses 16, 20, 24 and 32) and
#   returns logits `(B, 10)`;
# - uses the trained parameters **unchanged**: every tensor of the given `state_dict()` appears,
#   with bit-identical values, in the returned model's `state_dict()` (names may change if you
#   rearrange modules), and no new parameter is created (nothing is trained);
# - gives **the same outputs** as the original model at the training resolution (16x16);
# - **does not resize the input**: the first convolution receives the image at the size it came
#   in (the grader checks the graph that runs);
# - stays above chance (0.1) on digits enlarged to 20x20 and 24x24 filling the image: the grader
#   measures the mean accuracy over these two sizes (full marks from 0.5, none at 0.2 or below).
#
# Do not modify the given model (work on a copy). Written part: which component of the
# architecture makes the solution possible, and why do the outputs at 16x16 not change?


# %%
class GlobalMean(nn.Module):
    def forward(self, x):
        return x.mean(dim=(-2, -1), keepdim=True)


def make_resolution_agnostic(model):
    trunk = copy.deepcopy(model)
    modules = list(trunk)
    position = next(i for i, m in enumerate(modules) if isinstance(m, nn.Flatten))
    modules.insert(position, GlobalMean())
    agnostic = nn.Sequential(*modules)
    agnostic.eval()
    return agnostic


# %% [markdown]
# ### Resposta / Answer: enabling_component (6.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# O pooling global (a média de cada mapa sobre a altura e a largura) antes do Flatten: ele reduz um
# mapa de qualquer tamanho a um valor por canal. Em 16x16 o mapa já é 1x1, então a média não muda
# nada e as saídas são as mesmas.


# %% [markdown]
# ## 6.3 Qual resolução usar? / Which resolution to use? (★)
#
# **PT.** Proponha um modelo P(x) que escolha, para cada imagem x, a melhor resolução de inferência
# dentre resoluções pré-definidas. `predict_resolution(model, X, candidates)` recebe um modelo
# independente de resolução (a CNN do corretor com *pooling* global, como em 6.2), imagens `X`
# float32 `(n, 1, 32, 32)` **sem rótulos** e a lista `candidates` de resoluções (inteiros, por
# exemplo `[16, 20, 24, 28, 32]`) e devolve um array `(n,)` de inteiros, cada um **um dos
# candidatos**: a resolução em que a imagem deve ser classificada. A escolha de uma imagem não pode
# depender das outras imagens do lote.
#
# Nas imagens do corretor, cada dígito foi desenhado com um tamanho aleatório de 10 a 32 pixels em
# posição aleatória de uma imagem 32x32 preta. Para cada imagem e cada candidato `r`, o corretor
# redimensiona a imagem inteira com
# `F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False, antialias=True)`,
# classifica com o modelo e mede a acurácia da sua escolha. Nota cheia quando essa acurácia chega
# à da **melhor resolução fixa** menos 0.03; nenhuma na acurácia média dos candidatos (a de uma
# escolha ao acaso). A escolha também deve se adaptar à escala do dígito: a correlação de Spearman
# entre o tamanho do dígito e a resolução escolhida deve ser no máximo -0.3 (dígitos menores,
# resoluções maiores). Ideias: a confiança (ou entropia) do modelo em cada resolução, ou o tamanho
# do traço na imagem comparado com o tamanho dos dígitos de treino. Parte escrita (★): o que pode
# ser considerado a *melhor* resolução?
#
# **EN.** Propose a model P(x) that chooses, for each image x, the best inference resolution among
# predefined ones. `predict_resolution(model, X, candidates)` takes a resolution-agnostic model (the
# grader's CNN with global pooling, as in 6.2), images `X` float32 `(n, 1, 32, 32)` **without
# labels** and the list `candidates` of resolutions (ints, e.g. `[16, 20, 24, 28, 32]`) and returns
# an integer array `(n,)`, each entry **one of the candidates**: the resolution at which that
# image should be classified. An image's choice must not depend on the other images of the batch.
#
# In the grader's images, each digit was drawn at a random size of 10 to 32 pixels at a random
# position of a black 32x32 image. For each image and each candidate `r`, the grader resizes the
# whole image with
# `F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False, antialias=True)`,
# classifies it with the model and measures the accuracy of your choice. Full marks when that
# accuracy reaches the **best fixed resolution**'s minus 0.03; none at the candidates' mean accuracy
# (that of a random choice). The choice must also adapt to the digit's scale: the Spearman
# correlation between the digit's size and the chosen resolution must be at most -0.3 (smaller
# digits, larger resolutions). Ideas: the model's confidence (or entropy) at each resolution, or
# the size of the strokes in the image compared with the size of the training digits. Written part
# (★): what could be considered the *best* resolution?


# %%
def predict_resolution(model, X, candidates):
    images = torch.as_tensor(np.asarray(X, dtype=np.float32))
    options = [int(c) for c in candidates]
    entropies = []
    with torch.no_grad():
        for size in options:
            resized = F.interpolate(
                images, size=(size, size), mode="bilinear", align_corners=False, antialias=True
            )
            p = torch.softmax(model(resized), dim=1)
            entropies.append(-(p * torch.log(p.clamp_min(1e-12))).sum(dim=1))
    best = torch.stack(entropies, dim=1).argmin(dim=1).numpy()
    return np.array(options)[best]


# %% [markdown]
# ### Resposta / Answer: best_resolution_definition (6.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Defini a melhor resolução como aquela em que o modelo tem a menor entropia (está mais seguro).
# Isso não garante acerto: o modelo pode estar seguro e errado. Outra definição seria a resolução
# que leva o dígito ao tamanho visto no treino, ou a menor resolução que não perde acurácia.


# %% [markdown]
# ## 6.4 Uma rede só convolucional / An all-convolutional network
#
# **PT.** Crie uma rede de classificação **sem camadas totalmente conectadas** (Springenberg et
# al., ICLR 2015, "Striving for simplicity: the all convolutional net"): só convoluções, *padding*,
# ativações e *reshape*; a redução de resolução é feita por convoluções com *stride*, e no fim uma
# média global sobre as dimensões espaciais, sem parâmetros, é permitida.
# `make_all_conv_net(in_channels, n_classes)` devolve um `nn.Module` **não treinado** que leva
# `(B, in_channels, H, W)` a *logits* `(B, n_classes)` para qualquer `H, W` a partir de 16. O
# corretor verifica no grafo executado (módulos chamados e operações aten) que não há `nn.Linear`,
# nenhuma multiplicação de matrizes (`mm`, `addmm`, `bmm`, `matmul`, `linear`...) e nenhum
# *pooling* além da média global final (nada de `MaxPool`). Depois ele treina a sua rede com uma
# receita fixa, a mesma para todos: Adam (lr 3e-3), lotes de 32 em ordem sorteada, entropia
# cruzada, 3 épocas nos 1257 dígitos de treino ampliados para 16x16 (`_digits_images(16)`), e mede
# a acurácia nos 540 dígitos de teste: nota cheia a partir de 0.75, nenhuma em 0.3 ou abaixo. O
# treino inteiro deve levar poucos segundos num núcleo de CPU (uma rede pequena basta; uma última
# convolução cujo núcleo cobre o mapa 4x4 de uma entrada 16x16, seguida da média global, aprende
# depressa). Parte escrita: descreva a sua arquitetura (como a resolução é reduzida, o que
# substitui a camada totalmente conectada) e compare-a com a CNN de 6.2.
#
# **EN.** Build a classification network **without fully connected layers** (Springenberg et al.,
# ICLR 2015, "Striving for simplicity: the all convolutional net"): convolutions, padding,
# activations and reshape only; resolution is reduced by strided convolutions, and a
# parameter-free global average over the spatial dimensions is allowed at the end.
# `make_all_conv_net(in_channels, n_classes)` returns an **untrained** `nn.Module` mapping
# `(B, in_channels, H, W)` to logits `(B, n_classes)` for any `H, W` from 16 up. The grader checks
# in the graph that runs (modules called and aten ops) that there is no `nn.Linear`, no matrix
# multiplication (`mm`, `addmm`, `bmm`, `matmul`, `linear`...) and no pooling except the final
# global average (no `MaxPool`). Then it trains your network with a fixed recipe, the same for
# everyone: Adam (lr 3e-3), batches of 32 in a shuffled order, cross-entropy, 3 epochs over the 1257
# training digits enlarged to 16x16 (`_digits_images(16)`), and measures the accuracy on the 540
# test digits: full marks from 0.75, none at 0.3 or below. The whole training must take a few
# seconds on one CPU core (a small network is enough; a last convolution whose kernel covers the
# 4x4 map of a 16x16 input, followed by the global average, learns quickly). Written part:
# describe your architecture (how resolution is reduced, what replaces the fully connected layer)
# and compare it with the CNN of 6.2.


# %%
def make_all_conv_net(in_channels, n_classes):
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.LeakyReLU(0.1),
        nn.Conv2d(32, 32, 3, stride=2, padding=1),
        nn.BatchNorm2d(32),
        nn.LeakyReLU(0.1),
        nn.Conv2d(32, 64, 3, stride=2, padding=1),
        nn.LeakyReLU(0.1),
        nn.Conv2d(64, n_classes, 4),
        GlobalMean(),
        nn.Flatten(),
    )


# %% [markdown]
# ### Resposta / Answer: all_conv_design (6.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Convoluções 3x3 com BatchNorm e LeakyReLU; duas têm stride 2 (16 -> 8 -> 4); a última convolução
# 4x4 dá um mapa por classe e a média global dá os logits. Não há camada densa, então qualquer
# tamanho de entrada funciona, ao contrário da CNN de 6.2 antes do pooling global.


# %% [markdown]
# ## 6.5 Paisagem da função de perda / Loss landscape
#
# **PT.** Li et al. (NeurIPS 2018) visualizam a perda em torno dos pesos treinados θ ao longo de
# duas direções aleatórias δ e η **normalizadas por filtro**: L(θ + αδ + βη).
#
# - `filter_normalized_direction(model, seed)` devolve `{nome: tensor}` com exatamente os nomes de
#   `model.named_parameters()` e as mesmas formas. Para cada parâmetro com mais de uma dimensão,
#   sorteie d ~ N(0, I) com um gerador semeado por `seed` e reescale **cada filtro** (cada fatia ao
#   longo da dimensão 0: um filtro de saída de uma convolução, uma linha de uma camada linear) para
#   que tenha a **mesma norma** que o filtro correspondente dos pesos:
#   d_i ← d_i ‖w_i‖ / (‖d_i‖ + 1e-10). Parâmetros com uma dimensão ou menos (vieses, pesos e vieses
#   de BatchNorm) recebem direção **zero**. A mesma semente dá as mesmas direções; sementes
#   diferentes, direções diferentes; o modelo não muda.
# - `loss_landscape_2d(model, loss_fn, X, y, steps, span, seed)` devolve `(alphas, betas, Z)`, três
#   arrays numpy: `alphas` e `betas` são os `steps` pontos de `np.linspace(-span, span, steps)`,
#   δ = `filter_normalized_direction(model, seed)`, η = `filter_normalized_direction(model, seed + 1)`
#   e `Z[i, j] = loss_fn(f(X; θ + alphas[i] δ + betas[j] η), y)` (um float por ponto, o lote
#   inteiro de uma vez), medida em **modo de avaliação** e sem gradientes. Com `steps` ímpar o
#   centro de `Z` é a perda do próprio modelo. Ao final, o modelo está **exatamente** como foi
#   recebido: mesmos pesos bit a bit, mesmos buffers (as estatísticas do BatchNorm não podem mudar),
#   mesmo modo.
#
# O corretor usa a CNN treinada, recalcula cada ponto de `Z` com as suas direções e mostra no
# relatório a sua superfície ao lado da superfície da solução de referência.
#
# **Atenção.** O script Keras da disciplina (`Codes/LossLandScape.py`) **não** faz normalização por
# filtro, e portá-lo perde pontos: ele sorteia N(1, 1), multiplica elemento a elemento pelos pesos
# da camada e divide pela norma do sorteio da camada inteira (normalização por camada, e uma direção
# correlacionada com os pesos); dá direção não nula aos vieses; preenche `Z` por meio de
# `np.meshgrid`, cuja indexação padrão (`"xy"`) troca linhas e colunas (`Z[j, i]` em vez de
# `Z[i, j]`); e deixa o modelo no último ponto da grade em vez de restaurar os pesos.
#
# **EN.** Li et al. (NeurIPS 2018) visualise the loss around the trained weights θ along two random
# **filter-normalised** directions δ and η: L(θ + αδ + βη).
#
# - `filter_normalized_direction(model, seed)` returns `{name: tensor}` with exactly the names of
#   `model.named_parameters()` and the same shapes. For every parameter with more than one
#   dimension, draw d ~ N(0, I) from a generator seeded with `seed` and rescale **each filter**
#   (each slice along dimension 0: an output filter of a convolution, a row of a linear layer) to
#   the **same norm** as the matching filter of the weights: d_i ← d_i ‖w_i‖ / (‖d_i‖ + 1e-10).
#   Parameters with one dimension or fewer (biases, BatchNorm weights and biases) get a **zero**
#   direction. The same seed gives the same directions; different seeds, different directions;
#   the model does not change.
# - `loss_landscape_2d(model, loss_fn, X, y, steps, span, seed)` returns `(alphas, betas, Z)`, three
#   numpy arrays: `alphas` and `betas` are the `steps` points of `np.linspace(-span, span, steps)`,
#   δ = `filter_normalized_direction(model, seed)`, η = `filter_normalized_direction(model, seed + 1)`
#   and `Z[i, j] = loss_fn(f(X; θ + alphas[i] δ + betas[j] η), y)` (one float per point, the whole
#   batch at once), measured in **evaluation mode** and without gradients. With an odd `steps` the
#   centre of `Z` is the model's own loss. Afterwards the model is **exactly** as it came: the same
#   weights bit for bit, the same buffers (BatchNorm statistics must not change), the same mode.
#
# The grader uses the trained CNN, recomputes every point of `Z` with your directions and shows in
# the report your surface next to the reference solution's.
#
# **Beware.** The course's Keras script (`Codes/LossLandScape.py`) is **not** filter normalisation,
# and porting it loses points: it draws N(1, 1), multiplies it elementwise by the layer's weights
# and divides by the norm of the whole layer's draw (per-layer normalisation, and a direction
# correlated with the weights); it gives biases a non-zero direction; it fills `Z` through
# `np.meshgrid`, whose default indexing (`"xy"`) swaps rows and columns (`Z[j, i]` instead of
# `Z[i, j]`); and it leaves the model at the last grid point instead of restoring the weights.


# %%
def filter_normalized_direction(model, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for name, weight in model.named_parameters():
        w = weight.detach().cpu().numpy().astype(np.float64)
        if w.ndim < 2:
            out[name] = torch.zeros_like(weight)
            continue
        d = rng.standard_normal(w.shape)
        for i in range(w.shape[0]):
            d[i] *= np.linalg.norm(w[i]) / (np.linalg.norm(d[i]) + 1e-10)
        out[name] = torch.from_numpy(d).to(weight.dtype)
    return out


def loss_landscape_2d(model, loss_fn, X, y, steps, span, seed):
    first = filter_normalized_direction(model, seed)
    second = filter_normalized_direction(model, seed + 1)
    grid = np.linspace(-span, span, steps)
    x = torch.as_tensor(np.asarray(X, dtype=np.float32))
    target = torch.as_tensor(np.asarray(y)).long()
    base = {name: p.detach() for name, p in model.named_parameters()}
    buffers = {name: b for name, b in model.named_buffers()}
    modes = [m.training for m in model.modules()]
    model.eval()
    surface = np.empty((steps, steps))
    try:
        with torch.no_grad():
            for i, a in enumerate(grid):
                for j, b in enumerate(grid):
                    moved = {k: base[k] + a * first[k] + b * second[k] for k in base}
                    out = functional_call(model, {**moved, **buffers}, (x,))
                    surface[i, j] = loss_fn(out, target).item()
    finally:
        for module, mode in zip(model.modules(), modes):
            module.training = mode
    return grid.copy(), grid.copy(), surface


# %% [markdown]
# ### Resposta / Answer: landscape_interpretation (6.5)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# A perda é mínima no centro e cresce em todas as direções: a CNN está numa bacia. Normalizar cada
# filtro pela norma dos pesos torna a escala dos eixos comparável entre camadas e redes. O script
# Keras normaliza por camada, dá direção aos vieses, transpõe Z e não restaura o modelo.
