/** Side-effect imports that register the importers besides the native one. */
import './beads';
import './ccw';
