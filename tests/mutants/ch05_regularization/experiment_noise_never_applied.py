"""Computes the noisy batch but trains on the clean one (the augmentation is never applied), so
every t gives the same model.

targets: check_critical_period_augmentation_changes_model
"""


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
        model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        model.load_state_dict(initial.state_dict())
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        generator = torch.Generator().manual_seed(seed)
        for epoch in range(epochs):
            for batch in torch.randperm(len(inputs), generator=generator).split(32):
                x = inputs[batch]
                noisy = x + 0.3 * torch.randn(x.shape) if epoch < t else x  # noqa: F841
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), targets[batch]).backward()
                optimizer.step()
        models[t] = model.eval()
    return models
