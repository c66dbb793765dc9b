"""Which cell a point lies in: an R-tree (shapely's STRtree) of every cell's polygon, one per process.

The tree gives the cells whose bounding box holds the point; the exact test then keeps the cell whose polygon
covers it (interior or boundary: a point on the line between two cells belongs to one of them, not to neither).
On a shared edge or corner several cells cover the point; the one first by code wins, so the answer is the same
in every process and on every run. A point no cell covers, outside the district, has no cell.
"""

from dataclasses import dataclass

import numpy as np
import shapely

CACHE = "grid_cells"
NOWHERE = -1


@dataclass(frozen=True)
class CellIndex:
    """Polygons in code order, their STRtree, and whatever each stands for (a GridCell, a code) in `items`."""

    items: tuple
    tree: shapely.STRtree

    @classmethod
    def build(cls, items, polygons) -> "CellIndex":
        return cls(items=tuple(items), tree=shapely.STRtree(list(polygons)))

    def locate(self, longitudes, latitudes) -> np.ndarray:
        """Each point's position in `items`, or NOWHERE: one vectorised query for the whole batch."""
        points = shapely.points(np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))
        found = np.full(len(points), len(self.items), dtype=np.int64)
        # covered_by: the exact test, run by GEOS on the R-tree's candidates only. Items are in code order, so
        # the smallest position among a point's hits is the cell first by code.
        point_at, cell_at = self.tree.query(points, predicate="covered_by")
        np.minimum.at(found, point_at, cell_at)
        found[found == len(self.items)] = NOWHERE
        return found
