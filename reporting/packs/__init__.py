"""Board packs: what a pack holds (`model`), worked out once (`build`) and drawn as PDF or PowerPoint (`render`)."""
