"""Seeds once before the loop: the noise and shuffling generator and the initialisation carry over
from one run to the next, so the model for t depends on the runs requested before it.

targets: check_critical_period_models_independent_of_other_runs
"""


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    removal_epochs = [int(t) for t in removal_epochs]
    for t in removal_epochs:
        if not 0 <= t <= epochs:
            raise ValueError(f"every removal epoch must be in 0..{epochs}, got {t}")
    inputs = torch.tensor(np.asarray(X_train), dtype=torch.float32)
    targets = torch.tensor(np.asarray(y_train), dtype=torch.int64)
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    models = {}
    for t in removal_epochs:
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        for epoch in range(epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(32):
                x = inputs[batch]
                if epoch < t:
                    x = x + 0.3 * torch.randn(x.shape, generator=generator)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), targets[batch]).backward()
                optimizer.step()
        models[t] = model.eval()
    return models
