"""openness: score how texts about AI labs frame transparency, safety and control."""
