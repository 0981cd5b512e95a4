"""Builds the models from the shared initialisation but trains a copy and returns the untouched
original (model.load_state_dict(initial) ... models[t] = initial): every returned model is
untrained.

targets: check_critical_period_experiment_structure_public, check_critical_period_accuracy_measured_by_judge
"""

import copy


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    removal_epochs = [int(t) for t in removal_epochs]
    for t in removal_epochs:
        if not 0 <= t <= epochs:
            raise ValueError(f"every removal epoch must be in 0..{epochs}, got {t}")
    inputs = torch.tensor(np.asarray(X_train), dtype=torch.float32)
    targets = torch.tensor(np.asarray(y_train), dtype=torch.int64)
    torch.manual_seed(seed)
    initial = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    models = {}
    for t in removal_epochs:
        model = copy.deepcopy(initial)
        trained = copy.deepcopy(model)
        optimizer = torch.optim.Adam(trained.parameters(), lr=3e-3)
        generator = torch.Generator().manual_seed(seed)
        for epoch in range(epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(32):
                x = inputs[batch]
                if epoch < t:
                    x = x + 0.3 * torch.randn(x.shape, generator=generator)
                optimizer.zero_grad()
                nn.functional.cross_entropy(trained(x), targets[batch]).backward()
                optimizer.step()
        models[t] = model.eval()  # the untrained copy
    return models
