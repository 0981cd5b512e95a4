# %% [markdown]
# # PCS 5022 — Capítulo 10: Transferência de aprendizado / Chapter 10: Transfer learning
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Rode `grade check ch10_transfer ch10_transfer.py` para as
# verificações públicas.
#
# O corretor usa um *backbone* (rede "fonte") já treinado: um MLP `Linear(64, 64)`,
# `BatchNorm1d(64)`, `ReLU`, `Linear(64, 32)`, `BatchNorm1d(32)`, `ReLU` (um `nn.Sequential`) que
# recebe dígitos 8x8 achatados (64 pixels em [0, 1]) e devolve 32 características. Ele foi
# treinado numa tarefa fonte (os dígitos 0-4) com entradas normalizadas pela média e pelo desvio
# padrão por pixel *daquele* conjunto (`backbone_mean`, `backbone_std`). As tarefas alvo são
# outras (por exemplo, os dígitos 5-9 rotulados 0-4, ou a paridade do dígito). Nas funções de 10.3
# a 10.5, `X_train` já chega normalizado para o backbone (tensor float32 n x 64) e `y_train` é um
# tensor int64 de rótulos em `0..n_classes-1`.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Run `grade check ch10_transfer ch10_transfer.py` for the public
# checks.
#
# The grader uses a trained *backbone* (the "source" network): an MLP `Linear(64, 64)`,
# `BatchNorm1d(64)`, `ReLU`, `Linear(64, 32)`, `BatchNorm1d(32)`, `ReLU` (an `nn.Sequential`) that
# takes flattened 8x8 digits (64 pixels in [0, 1]) and returns 32 features. It was trained on a
# source task (the digits 0-4) with inputs normalised by the per-pixel mean and standard deviation
# of *that* data set (`backbone_mean`, `backbone_std`). The target tasks are different (e.g. the
# digits 5-9 labelled 0-4, or the parity of the digit). In 10.3 to 10.5, `X_train` arrives already
# normalised for the backbone (a float32 n x 64 tensor) and `y_train` is an int64 tensor of labels
# in `0..n_classes-1`.

# %%
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## 10.1 Pré-processamento do backbone / Preprocessing for the backbone
#
# **PT.** O código Keras do exercício centraliza o conjunto alvo com a média do *próprio* conjunto
# alvo antes de usar a ResNet50 pré-treinada. Escreva `preprocess_for_backbone(X, backbone_mean,
# backbone_std)`, que prepara as entradas alvo `X` (n x 64, array ou tensor) exatamente como as
# entradas com que o backbone foi treinado: `(X - backbone_mean) / backbone_std`, por coluna,
# devolvendo um tensor float32 novo (n x 64). A saída de cada linha só pode depender dessa linha e
# das estatísticas dadas (nunca das estatísticas do conjunto alvo); as entradas não podem ser
# modificadas. Depois explique, na resposta, qual é o erro semântico do código e como corrigi-lo.
#
# **EN.** The exercise's Keras code centres the target set with the target set's *own* mean before
# feeding the pre-trained ResNet50. Write `preprocess_for_backbone(X, backbone_mean,
# backbone_std)`, which prepares the target inputs `X` (n x 64, array or tensor) exactly like the
# inputs the backbone was trained on: `(X - backbone_mean) / backbone_std`, per column, returning
# a new float32 tensor (n x 64). Each row's output may depend only on that row and the given
# statistics (never on the target set's statistics); the inputs must not be modified. Then name,
# in the answer, the code's semantic error and how to fix it.


# %%
def preprocess_for_backbone(
    X: np.ndarray | torch.Tensor,
    backbone_mean: np.ndarray | torch.Tensor,
    backbone_std: np.ndarray | torch.Tensor,
) -> torch.Tensor:
    """``(X - backbone_mean) / backbone_std`` as a new float32 tensor (n, 64)."""
    arr = np.asarray(X, dtype=np.float64)
    mu = np.asarray(backbone_mean, dtype=np.float64).reshape(1, -1)
    sigma = np.asarray(backbone_std, dtype=np.float64).reshape(1, -1)
    return torch.tensor((arr - mu) / sigma, dtype=torch.float32)


# %% [markdown]
# ### Resposta / Answer: semantic_error (10.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# O código centraliza o conjunto alvo com a média do próprio alvo (X_train_mean), mas a ResNet50
# foi treinada com o pré-processamento do ImageNet (preprocess_input: caffe, BGR, médias do
# ImageNet). As entradas chegam numa distribuição diferente da que o backbone aprendeu. Correção:
# aplicar preprocess_input / as estatísticas da fonte. EN: the target is centred with its own mean
# instead of the backbone's preprocessing.

# %% [markdown]
# ## 10.2 Outra resolução / Another resolution
#
# **PT.** Uma rede convolucional foi treinada em imagens RGB 224x224 (ImageNet). O conjunto alvo
# tem outra resolução. Como transferir o conhecimento dessa rede *sem* reescalar as imagens alvo
# para 224x224? Responda abaixo (por exemplo: o que nas camadas convolucionais independe da
# resolução, o que depende dela, e o que fazer com a parte que depende).
#
# **EN.** A convolutional network was trained on 224x224 RGB images (ImageNet). The target set has
# another resolution. How can the network's knowledge be transferred *without* rescaling the target
# images to 224x224? Answer below (e.g. what in convolutional layers does not depend on the
# resolution, what does, and what to do with the part that does).

# %% [markdown]
# ### Resposta / Answer: resolution_transfer (10.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# As convoluções não dependem da resolução; só a parte densa do final depende. Troco o
# flatten/dense por global average pooling e uma cabeça nova, e faço fine-tuning para a nova
# escala. EN: keep the conv layers, replace the resolution-dependent head with global pooling +
# new head.

# %% [markdown]
# ## 10.3 Linear probing
#
# **PT.** Escreva `linear_probe(backbone, X_train, y_train, n_classes, epochs, seed)`: treine, por
# `epochs` épocas, uma cabeça linear (`nn.Linear(32, n_classes)`) sobre as características do
# backbone congelado e devolva só a cabeça. O backbone não pode mudar: nem seus parâmetros nem as
# estatísticas de execução (`running_mean`, `running_var`, `num_batches_tracked`) das BatchNorm;
# atenção: um forward em modo de treino atualiza essas estatísticas. Use `seed` para toda
# aleatoriedade (mesma semente, mesma cabeça). O corretor compõe o seu backbone com a cabeça
# devolvida e mede a acurácia em dados alvo que você não vê.
#
# **EN.** Write `linear_probe(backbone, X_train, y_train, n_classes, epochs, seed)`: train, for
# `epochs` epochs, a linear head (`nn.Linear(32, n_classes)`) on the features of the frozen
# backbone and return only the head. The backbone must not change: neither its parameters nor its
# BatchNorm running statistics (`running_mean`, `running_var`, `num_batches_tracked`); note that a
# forward pass in train mode updates those statistics. Use `seed` for all randomness (same seed,
# same head). The grader composes its own backbone with the returned head and measures the
# accuracy on target data you do not see.


# %%
def _loader(n: int, seed: int, batch_size: int = 32) -> list[torch.Tensor]:
    """Shuffled mini-batch indices for one epoch, from a generator seeded with ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return list(torch.randperm(n, generator=generator).split(batch_size))


def linear_probe(
    backbone: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    n_classes: int,
    epochs: int,
    seed: int,
) -> nn.Module:
    """A linear head trained on the frozen backbone's features (the backbone is left untouched)."""
    torch.manual_seed(seed)
    frozen = copy.deepcopy(backbone).eval()
    with torch.no_grad():
        feats = frozen(torch.as_tensor(X_train, dtype=torch.float32))
    labels = torch.as_tensor(y_train, dtype=torch.int64)
    head = nn.Linear(feats.shape[1], n_classes)
    opt = torch.optim.AdamW(head.parameters(), lr=2e-2, weight_decay=1e-4)
    for epoch in range(epochs):
        for idx in _loader(len(feats), seed + 17 * epoch, batch_size=50):
            opt.zero_grad()
            nn.functional.cross_entropy(head(feats[idx]), labels[idx]).backward()
            opt.step()
    return head


# %% [markdown]
# ## 10.4 Congelar e depois descongelar / Freeze, then unfreeze
#
# **PT.** Escreva `fine_tune_two_phase(backbone, X_train, y_train, n_classes, frozen_epochs,
# unfrozen_epochs, seed)`: (i) acrescente uma cabeça nova para a tarefa alvo, (ii) treine só a
# cabeça por `frozen_epochs` épocas com o backbone congelado (parâmetros e estatísticas da
# BatchNorm intactos) e (iii) depois descongele o backbone e treine a rede inteira por
# `unfrozen_epochs` épocas. Trabalhe numa cópia: o objeto `backbone` recebido não pode mudar.
# Devolva `(model, history)`: `model` (um `nn.Module`) leva entradas normalizadas (n x 64) a
# logits (n x n_classes) e contém o backbone treinado (seu `state_dict` contém o do backbone, por
# exemplo sob o prefixo `0.` ou `backbone.`); `history` é a lista, com uma entrada por época, de
# cópias do `state_dict` do backbone ao fim da época (mesmas chaves do backbone recebido).
# Responda abaixo: há vantagem em congelar antes de treinar tudo?
#
# **EN.** Write `fine_tune_two_phase(backbone, X_train, y_train, n_classes, frozen_epochs,
# unfrozen_epochs, seed)`: (i) add a new head for the target task, (ii) train only the head for
# `frozen_epochs` epochs with the backbone frozen (parameters and BatchNorm statistics intact) and
# (iii) then unfreeze the backbone and train the whole network for `unfrozen_epochs` epochs. Work
# on a copy: the `backbone` object you are given must not change. Return `(model, history)`:
# `model` (an `nn.Module`) maps normalised inputs (n x 64) to logits (n x n_classes) and contains
# the trained backbone (its `state_dict` contains the backbone's, e.g. under the prefix `0.` or
# `backbone.`); `history` is the list, one entry per epoch, of copies of the backbone's
# `state_dict` at the end of the epoch (the same keys as the given backbone). Answer below: is
# there an advantage in freezing before training everything?


# %%
def _feature_size(backbone: nn.Module, n_inputs: int) -> int:
    """How many features the backbone returns (one eval-mode forward pass, modes restored)."""
    modes = {name: module.training for name, module in backbone.named_modules()}
    backbone.eval()
    with torch.no_grad():
        size = backbone(torch.zeros(2, n_inputs)).shape[1]
    for name, module in backbone.named_modules():
        module.training = modes[name]
    return int(size)


def _train_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    seed: int,
) -> None:
    for batch in _loader(len(inputs), seed):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
        optimizer.step()


def fine_tune_two_phase(
    backbone: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    n_classes: int,
    frozen_epochs: int,
    unfrozen_epochs: int,
    seed: int,
) -> tuple[nn.Module, list[dict[str, torch.Tensor]]]:
    """(model, history): head first on a frozen copy of the backbone, then end to end."""
    torch.manual_seed(seed)
    xs = torch.as_tensor(X_train, dtype=torch.float32)
    ys = torch.as_tensor(y_train, dtype=torch.int64)
    trunk = copy.deepcopy(backbone)
    model = nn.Sequential(trunk, nn.Linear(_feature_size(trunk, xs.shape[1]), n_classes))
    history = []
    trunk.requires_grad_(False).eval()
    opt = torch.optim.Adam(model[1].parameters(), lr=1e-2)
    for epoch in range(frozen_epochs):
        _train_epoch(model, opt, xs, ys, seed + 31 * epoch)
        history.append({name: t.clone() for name, t in trunk.state_dict().items()})
    trunk.requires_grad_(True).train()
    opt = torch.optim.Adam(
        [{"params": model[1].parameters()}, {"params": trunk.parameters(), "lr": 1e-3}], lr=5e-3
    )
    for epoch in range(unfrozen_epochs):
        _train_epoch(model, opt, xs, ys, seed + 31 * (frozen_epochs + epoch))
        history.append({name: t.clone() for name, t in trunk.state_dict().items()})
    model.eval()
    return model, history


# %% [markdown]
# ### Resposta / Answer: two_phase_advantage (10.4)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Com a cabeça aleatória, os gradientes iniciais são grandes e ruidosos e estragariam as
# características do backbone; congelando primeiro, a cabeça se ajusta e depois o ajuste fino é
# suave. EN: avoids destroying pre-trained features with random-head gradients.

# %% [markdown]
# ## 10.5 Fine-tuning de ponta a ponta / End-to-end fine-tuning
#
# **PT.** Escreva `fine_tune(backbone, X_train, y_train, n_classes, epochs, seed)`: uma cabeça nova
# sobre uma *cópia* do backbone, e a rede inteira treinada de ponta a ponta por `epochs` épocas;
# devolva o modelo (entradas normalizadas n x 64 -> logits n x n_classes, contendo o backbone
# treinado). O corretor mede a acurácia do seu fine-tuning e do seu linear probing nas mesmas
# tarefas alvo e mostra uma tabela no relatório. Responda abaixo: o que a diferença entre os dois
# diz sobre a representação do backbone?
#
# **EN.** Write `fine_tune(backbone, X_train, y_train, n_classes, epochs, seed)`: a new head on a
# *copy* of the backbone, and the whole network trained end to end for `epochs` epochs; return the
# model (normalised inputs n x 64 -> logits n x n_classes, containing the trained backbone). The
# grader measures the accuracy of your fine-tuning and of your linear probe on the same target
# tasks and shows a table in the report. Answer below: what does the difference between the two
# say about the backbone's representation?


# %%
def fine_tune(
    backbone: nn.Module,
    X_train: torch.Tensor,
    y_train: torch.Tensor,
    n_classes: int,
    epochs: int,
    seed: int,
) -> nn.Module:
    """A new head on a copy of the backbone, everything trained end to end."""
    torch.manual_seed(seed)
    xs = torch.as_tensor(X_train, dtype=torch.float32)
    ys = torch.as_tensor(y_train, dtype=torch.int64)
    trunk = copy.deepcopy(backbone).requires_grad_(True)
    model = nn.Sequential(trunk, nn.Linear(_feature_size(trunk, xs.shape[1]), n_classes)).train()
    opt = torch.optim.Adam(
        [{"params": model[1].parameters()}, {"params": trunk.parameters(), "lr": 1e-3}], lr=5e-3
    )
    for epoch in range(epochs):
        _train_epoch(model, opt, xs, ys, seed + 31 * epoch)
    return model.eval()


# %% [markdown]
# ### Resposta / Answer: probe_vs_finetune (10.5)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Nos dígitos 5-9 o probe perde uns 20 pontos e nos invertidos quase 45: a representação do
# backbone é específica da fonte; o fine-tuning a adapta. EN: the gap measures how task-specific
# the features are.
