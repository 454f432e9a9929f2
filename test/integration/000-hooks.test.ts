// Root hooks: the demo image exists before any test, and the run's storage and pause process are
// removed after the last one.
import {ensureDemoImage, teardown} from './harness';

before(function () {
  this.timeout(120_000);
  ensureDemoImage();
});

after(function () {
  this.timeout(120_000);
  teardown();
});
