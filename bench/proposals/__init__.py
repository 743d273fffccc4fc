"""Application changes the benchmark proposes, monkeypatched in to measure them; the app never imports these."""
