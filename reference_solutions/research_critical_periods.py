# %% [markdown]
# # PCS 5022 — Projeto de pesquisa: períodos críticos / Research project: critical periods
#
# **PT.** O projeto de pesquisa pergunta **quando** o aumento de dados pode ser reduzido durante o
# treino sem prejudicar o modelo. Na Equação 1 do projeto, cada passo de SGD usa um lote de
# $\{\mathcal{D}\}^k$, o conjunto de treino aumentado $k$ vezes pela transformação estocástica $T$;
# o objetivo é detectar, com uma métrica que olha só para os pesos (sem conjunto de validação), a
# época a partir da qual $k$ pode cair para 1, e medir o que isso economiza (amostras, tempo,
# energia, CO₂) e o que custa (acurácia, robustez adversarial). Implemente as funções abaixo sem
# mudar nomes nem assinaturas (elas são o contrato com o corretor automático) e rode
# `grade check research_critical_periods research_critical_periods.py` para as verificações
# públicas. O corretor não confia em números que você informa: ele conta as amostras aumentadas que
# seu código realmente pede, recalcula a época da troca a partir do seu registro, mede a acurácia
# do modelo que você devolve em dados que ele guardou, treina ele mesmo as linhas de base e ataca
# os modelos com o seu próprio FGSM. A tabela de custo e benefício do relatório é dele.
#
# **EN.** The research project asks **when** data augmentation can be reduced during training
# without hurting the model. In the project's Equation 1 every SGD step uses a batch of
# $\{\mathcal{D}\}^k$, the training set augmented $k$ times by the stochastic transformation $T$;
# the goal is to detect, with a metric that looks at the weights alone (no validation set), the
# epoch from which $k$ can drop to 1, and to measure what that saves (samples, time, energy, CO₂)
# and what it costs (accuracy, adversarial robustness). Implement the functions below without
# changing names or signatures (they are the contract with the autograder) and run
# `grade check research_critical_periods research_critical_periods.py` for the public checks. The
# grader trusts no number you report: it counts the augmented samples your code actually requests,
# recomputes the switch epoch from your log, measures the accuracy of the model you return on data
# it kept, trains the baselines itself and attacks the models with its own FGSM. The cost/benefit
# table in the report is the grader's.

# %%
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

# %% [markdown]
# ## P.1 A métrica: rotação média das camadas / The metric: mean layer rotation
#
# **PT.** A rotação de camadas (Carbonnelle & De Vleeschouwer, 2019) compara cada tensor de
# parâmetros com o seu valor inicial pela distância cosseno $1 - \cos(w_0, w_t)$ dos tensores
# achatados. Escreva `rotation_metric(init_state, state)`, que devolve a **média**, sobre as chaves
# de `init_state` (dicionários nome -> tensor, como `dict(model.named_parameters())`), dessas
# distâncias: um `float` em [0, 2], o número que o seu treino registra a cada época. As chaves dos
# dois dicionários devem ser as mesmas (senão `ValueError`); um tensor todo zero em qualquer dos dois
# também levanta `ValueError` (o cosseno não está definido). Limite cada cosseno a [-1, 1] contra
# arredondamentos e não modifique as entradas.
#
# **EN.** Layer rotation (Carbonnelle & De Vleeschouwer, 2019) compares each parameter tensor with
# its initial value through the cosine distance $1 - \cos(w_0, w_t)$ of the flattened tensors.
# Write `rotation_metric(init_state, state)`, which returns the **mean**, over the keys of
# `init_state` (dicts name -> tensor, such as `dict(model.named_parameters())`), of these
# distances: a `float` in [0, 2], the number your training logs every epoch. Both dicts must have
# the same keys (otherwise `ValueError`); an all-zero tensor in either also raises `ValueError` (the
# cosine is undefined). Clamp each cosine to [-1, 1] against rounding and leave the inputs
# unchanged.


# %%
def rotation_metric(
    init_state: Mapping[str, torch.Tensor], state: Mapping[str, torch.Tensor]
) -> float:
    """Mean over the tensors of ``init_state`` of the cosine distance 1 - cos(w_0, w_t)."""
    # BEGIN SOLUTION
    if set(init_state) != set(state):
        raise ValueError(
            f"the two dicts have different keys: {sorted(set(init_state) ^ set(state))}"
        )
    if not init_state:
        raise ValueError("there are no tensors to compare")
    distances = []
    for name, initial in init_state.items():
        a = torch.as_tensor(initial).detach().reshape(-1).to(torch.float64)
        b = torch.as_tensor(state[name]).detach().reshape(-1).to(torch.float64)
        if a.shape != b.shape:
            raise ValueError(f"{name}: {tuple(a.shape)} and {tuple(b.shape)} differ in size")
        norms = torch.linalg.vector_norm(a) * torch.linalg.vector_norm(b)
        if float(norms) == 0.0:
            raise ValueError(f"{name}: an all-zero tensor has no direction")
        cosine = float(torch.clamp(torch.dot(a, b) / norms, -1.0, 1.0))
        distances.append(1.0 - cosine)
    return float(np.mean(distances))
    # END SOLUTION


# %% [markdown]
# ## P.2 Treino com aumento de dados adaptativo / Training with adaptive augmentation
#
# **PT.** Escreva `train_adaptive_augmentation(model, X, y, augment, k, epochs, threshold, patience,
# seed)`, que treina `model` (um `nn.Module` de `(n, d)` float32 para *logits* `(n, c)`) por
# `epochs` épocas em `(X, y)` (numpy; rótulos inteiros) e devolve `(modelo_treinado, registro)`:
#
# - **Cópias.** Em uma época com fator `k_e`, cada amostra de `X` aparece `k_e` vezes: uma vez como
#   está e `k_e - 1` vezes aumentada. As cópias aumentadas vêm **só** de `augment`, a função $T$
#   passada por quem chama: `augment(x)` recebe um tensor float32 `(m, d)` de linhas de `X` e
#   devolve um tensor aumentado da mesma forma. Chame-a sobre as linhas que quiser (o conjunto
#   inteiro ou lote a lote), mas peça exatamente `(k_e - 1) * n` linhas aumentadas na época e
#   treine com o que ela devolve; com `k_e = 1` ela não é chamada.
# - **Métrica.** Ao fim de cada época `e` (de 0 a `epochs - 1`), calcule
#   `m_e = rotation_metric(theta_0, theta_e)` entre os parâmetros recebidos
#   (`dict(model.named_parameters())` no início da chamada) e os atuais.
# - **Troca.** Comece com `k_e = k`. Ao fim da época `e`, se `critical_period_end([m_0, ..., m_e],
#   threshold, patience)` (a definição do capítulo 5: a primeira época `i` com
#   `|m_j - m_{j-1}| <= threshold` para todo `j` em `i+1..i+patience`) não for `None`, todas as
#   épocas seguintes usam `k = 1`. Com `threshold < 0` a troca nunca acontece (o `k` fixo de
#   referência).
# - **Registro.** Uma lista com um dicionário por época, em ordem:
#   `{"epoch": e, "k": k_e, "metric": m_e}` (`int`, `int`, `float`).
# - **Semente.** Tudo o que for aleatório no seu código (ordem dos lotes, etc.) vem de `seed`: a
#   mesma chamada dá o mesmo modelo e o mesmo registro, e as execuções com e sem troca são
#   idênticas até a troca (a comparação com o `k` fixo é justa). A taxa de aprendizado não depende
#   de `epochs`. `k`, `epochs` ou `patience` menores que 1 levantam `ValueError`.
#
# O corretor passa um `augment` que registra cada chamada e confere o registro contra o que foi
# realmente pedido; recalcula a troca a partir das métricas registradas; confere a última métrica
# contra o modelo devolvido; e mede a acurácia do modelo em dígitos que ele guardou: ela deve ficar
# a no máximo 0.03 da de uma linha de base treinada por ele com `k` fixo (e acima de 0.85). Mantenha
# o treino barato: com 600 amostras, `k = 4` e 8 épocas, alguns segundos.
#
# **EN.** Write `train_adaptive_augmentation(model, X, y, augment, k, epochs, threshold, patience,
# seed)`, which trains `model` (an `nn.Module` from `(n, d)` float32 to `(n, c)` *logits*) for
# `epochs` epochs on `(X, y)` (numpy; integer labels) and returns `(trained_model, log)`:
#
# - **Copies.** In an epoch with factor `k_e`, every sample of `X` appears `k_e` times: once as it
#   is and `k_e - 1` times augmented. The augmented copies come **only** from `augment`, the
#   function $T$ the caller passes: `augment(x)` takes a float32 tensor `(m, d)` of rows of `X` and
#   returns an augmented tensor of the same shape. Call it on whatever rows you like (the whole set
#   or batch by batch), but request exactly `(k_e - 1) * n` augmented rows in the epoch and train on
#   what it returns; with `k_e = 1` it is not called.
# - **Metric.** At the end of every epoch `e` (0 to `epochs - 1`), compute
#   `m_e = rotation_metric(theta_0, theta_e)` between the parameters received
#   (`dict(model.named_parameters())` when the call starts) and the current ones.
# - **Switch.** Start with `k_e = k`. At the end of epoch `e`, if `critical_period_end([m_0, ...,
#   m_e], threshold, patience)` (chapter 5's definition: the first epoch `i` with
#   `|m_j - m_{j-1}| <= threshold` for every `j` in `i+1..i+patience`) is not `None`, every later
#   epoch uses `k = 1`. With `threshold < 0` the switch never happens (the fixed-`k` baseline).
# - **Log.** A list with one dict per epoch, in order: `{"epoch": e, "k": k_e, "metric": m_e}`
#   (`int`, `int`, `float`).
# - **Seed.** Everything random in your code (batch order, etc.) comes from `seed`: the same call
#   gives the same model and log, and the runs with and without the switch are identical up to the
#   switch (the comparison with fixed `k` is fair). The learning rate does not depend on `epochs`.
#   `k`, `epochs` or `patience` below 1 raise `ValueError`.
#
# The grader passes an `augment` that records every call and checks the log against what was really
# requested; recomputes the switch from the logged metrics; checks the last metric against the
# returned model; and measures the model's accuracy on digits it kept: it must stay within 0.03 of a
# baseline the grader trains itself with fixed `k` (and above 0.85). Keep the training cheap: with
# 600 samples, `k = 4` and 8 epochs, a few seconds.


# %%
def _critical_period_end(history: Sequence[float], threshold: float, patience: int) -> int | None:
    """Chapter 5's definition, given: the first epoch whose next ``patience`` changes are small."""
    values = [float(v) for v in history]
    for i in range(len(values) - patience):
        if all(abs(values[j] - values[j - 1]) <= threshold for j in range(i + 1, i + patience + 1)):
            return i
    return None


def train_adaptive_augmentation(
    model: nn.Module,
    X: np.ndarray,
    y: np.ndarray,
    augment: Callable[[torch.Tensor], torch.Tensor],
    k: int = 4,
    epochs: int = 8,
    threshold: float = 0.02,
    patience: int = 2,
    seed: int = 0,
) -> tuple[nn.Module, list[dict]]:
    """Train with k copies per sample (k - 1 from ``augment``) until the metric settles, then k = 1."""
    # BEGIN SOLUTION
    if k < 1 or epochs < 1 or patience < 1:
        raise ValueError("k, epochs and patience must be at least 1")
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    initial = {name: p.detach().clone() for name, p in model.named_parameters()}
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    copies, history, log = k, [], []
    for epoch in range(epochs):
        model.train()
        data = torch.cat([inputs] + [augment(inputs.clone()) for _ in range(copies - 1)])
        labels = targets.repeat(copies)
        for batch in torch.randperm(len(data), generator=generator).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(data[batch]), labels[batch]).backward()
            optimizer.step()
        current = {name: p.detach() for name, p in model.named_parameters()}
        history.append(rotation_metric(initial, current))
        log.append({"epoch": epoch, "k": copies, "metric": history[-1]})
        if copies > 1 and _critical_period_end(history, threshold, patience) is not None:
            copies = 1
    return model.eval(), log
    # END SOLUTION


# %% [markdown]
# ## P.3 Questões de pesquisa / Research questions
#
# **PT.** O relatório de correção traz a tabela do corretor para o seu treino adaptativo, o seu
# treino com `k` fixo e as linhas de base dele (`k = 4` fixo e `k = 1`, com a receita dele, no mesmo
# processo): acurácia em dígitos guardados, acurácia sob o FGSM do corretor (um passo de tamanho
# 0.1 no sinal do gradiente), amostras processadas, tempo de parede e de CPU, e estimativas de
# energia e CO₂. As estimativas usam hipóteses declaradas: 10 W por núcleo de CPU ocupado e
# 100 g de CO₂ por kWh (a ordem de grandeza da matriz elétrica brasileira, majoritariamente
# hidrelétrica); são boas para comparar linhas, não como valores absolutos. Use suas próprias
# execuções (outras métricas, sementes, limiares) e essa tabela para responder: (1) qual métrica
# da dinâmica de treino detecta melhor o fim do período crítico, e como você mediu isso; (2) a
# troca agnóstica a dados contra a parada antecipada baseada em validação; (3) o compromisso entre
# acurácia e custo, robustez adversarial incluída.
#
# **EN.** The grading report holds the grader's table for your adaptive run, your fixed-`k` run and
# its own baselines (fixed `k = 4` and `k = 1`, with its own recipe, in the same process): accuracy
# on digits it kept, accuracy under its FGSM (one step of size 0.1 along the gradient's sign),
# samples processed, wall and CPU time, and energy and CO₂ estimates. The estimates rest on stated
# assumptions: 10 W per busy CPU core and 100 g of CO₂ per kWh (the order of magnitude of Brazil's
# mostly hydroelectric grid); they are good for comparing rows, not as absolute values. Use your own
# runs (other metrics, seeds, thresholds) and that table to answer: (1) which training-dynamics
# metric best detects the end of the critical period, and how you measured it; (2) the
# data-agnostic switch against validation-based early stopping; (3) the trade-off between accuracy
# and cost, adversarial robustness included.


# %% [markdown]
# ### Resposta / Answer: metric_choice (P.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** A rotação média estabiliza cedo e de forma suave (cresce depressa nas
# primeiras épocas e depois quase para), então um limiar pequeno e paciência 2 detectam a troca
# sem alarmes falsos; a confusão e a previsibilidade do gradiente dependem dos lotes e oscilam de
# época para época, exigindo médias móveis ou limiares maiores. A comparação honesta roda as três
# métricas com as mesmas sementes, anota a época detectada por cada uma e a acurácia final da troca
# correspondente, e prefere a métrica cuja época fica mais próxima do fim do período crítico medido
# no experimento 5.2 (onde retirar o aumento deixa de custar acurácia) com menor variação entre
# sementes.
#
# **Model answer.** Mean rotation settles early and smoothly (it grows fast in the first epochs and
# then nearly stops), so a small threshold with patience 2 detects the switch without false alarms;
# gradient confusion and predictability depend on the batches and fluctuate from epoch to epoch, so
# they need moving averages or larger thresholds. An honest comparison runs the three metrics with
# the same seeds, records each one's detected epoch and the final accuracy of the corresponding
# switch, and prefers the metric whose epoch lands closest to the end of the critical period
# measured in experiment 5.2 (where removing augmentation stops costing accuracy), with the least
# variation over seeds.
# END REMOVE


# %% [markdown]
# ### Resposta / Answer: agnostic_vs_early_stopping (P.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** A métrica agnóstica a dados não precisa de um conjunto de validação i.i.d.:
# não gasta amostras rotuladas, não depende da qualidade ou da distribuição delas e custa só um
# produto interno por tensor. Em troca, ela mede estabilidade dos pesos, não generalização: pode
# trocar cedo demais se o otimizador desacelera por outro motivo (taxa de aprendizado pequena) ou
# tarde demais com ruído alto. A parada antecipada baseada em validação mede diretamente o que
# importa, mas exige dados separados e avaliações a cada época, e sinaliza quando parar de treinar,
# não quando parar de regularizar.
#
# **Model answer.** The data-agnostic metric needs no i.i.d. validation set: it spends no labelled
# samples, does not depend on their quality or distribution, and costs one inner product per
# tensor. In exchange it measures weight stability, not generalisation: it may switch too early if
# the optimiser slows down for another reason (a small learning rate) or too late under heavy
# noise. Validation-based early stopping measures what matters directly but needs held-out data and
# an evaluation every epoch, and it signals when to stop training, not when to stop regularising.
# END REMOVE


# %% [markdown]
# ### Resposta / Answer: cost_tradeoff (P.3)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
# BEGIN REMOVE
#
# **Resposta modelo.** Na tabela do corretor, o `k` adaptativo processa uma fração das amostras do
# `k` fixo (por exemplo 60%), com tempo, energia e CO₂ proporcionais, e fica a poucos décimos de
# ponto de acurácia dele; `k = 1` é o mais barato e perde mais acurácia e robustez ao FGSM. O
# compromisso vale quando a economia é grande e a perda fica dentro da variação entre sementes; a
# estimativa de CO₂ depende do fator de emissão assumido (a matriz brasileira é majoritariamente
# hidrelétrica) e da potência por núcleo, então as razões entre as linhas são mais confiáveis que os
# valores absolutos.
#
# **Model answer.** In the grader's table, adaptive `k` processes a fraction of the samples of fixed
# `k` (for instance 60%), with time, energy and CO₂ in proportion, and stays within a few tenths of
# a point of its accuracy; `k = 1` is the cheapest and loses the most accuracy and FGSM robustness.
# The trade-off pays when the saving is large and the loss stays within the variation over seeds;
# the CO₂ estimate depends on the assumed emission factor (Brazil's grid is mostly hydroelectric)
# and the power per core, so the ratios between the rows are more reliable than the absolute
# values.
# END REMOVE
