// Same readiness mark as Keyway's first step, so the bench measures both the same way.
requestAnimationFrame(() => performance.mark('keyway:first-step-ready'));
