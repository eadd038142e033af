"""The grid of South Korean land on which footprints are evaluated: square cells of an
equal-area projection, each weighing its land area."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np
import shapely

from thaadsim import geo
from thaadsim.limits import check

GRID_CENTER = (36.0, 127.8)  # projection centre (deg): the middle of South Korea


@dataclasses.dataclass(frozen=True)
class Grid:
    """Cells of a square grid (equal-area projection) that hold South Korean land.

    Each cell is evaluated at one point (its centre, or a point of its land where the centre is
    at sea) and weighs its land area, so the cell areas add up to the area of South Korea's
    polygon at every grid spacing.

    Attributes
    ----------
    lat, lon : ndarray, shape (n,)
        Evaluation point of each cell (deg).
    x, y : ndarray, shape (n,)
        The same point in the Lambert azimuthal equal-area projection centred on
        ``GRID_CENTER`` (m).
    cell_area_km2 : ndarray, shape (n,)
        Land area of each cell (km^2).
    step_km : float
        Grid spacing (km).
    kor : shapely geometry
        South Korea in the projection (m).
    ix, iy : ndarray of int, shape (n,)
        Column and row of each cell: its square spans ``origin_m + (ix, iy) * step`` to
        ``origin_m + (ix + 1, iy + 1) * step`` (m).
    origin_m : tuple of float
        Lower-left corner of the lattice (m).
    """

    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    cell_area_km2: np.ndarray
    step_km: float
    kor: object  # projected shapely polygon
    ix: np.ndarray
    iy: np.ndarray
    origin_m: tuple[float, float]

    @property
    def size(self) -> int:
        """Number of land cells."""
        return int(self.lat.size)


@lru_cache(maxsize=8)
def south_korea_grid(step_km: float) -> Grid:
    """The land cells of South Korea on a square grid (cached per spacing; see ``Grid``).

    Parameters
    ----------
    step_km : float
        Grid spacing (km), in [1, 50] (``limits.BOUNDS['grid_km']``).

    Returns
    -------
    Grid
        The cells.

    Raises
    ------
    ThaadsimError
        A spacing outside its bounds.
    """
    step_km = check("grid_km", step_km, "grid_km")
    kor = geo.countries_projected(*GRID_CENTER)["KOR"]
    shapely.prepare(kor)
    minx, miny, maxx, maxy = kor.bounds
    d = step_km * 1e3
    nx = int((maxx - minx) / d) + 1
    ny = int((maxy - miny) / d) + 1
    xs = minx + (np.arange(nx) + 0.5) * d
    ys = miny + (np.arange(ny) + 0.5) * d
    X, Y = (a.ravel() for a in np.meshgrid(xs, ys))
    boxes = shapely.box(X - d / 2, Y - d / 2, X + d / 2, Y + d / 2)
    touch = shapely.intersects(kor, boxes)
    X, Y, boxes = X[touch], Y[touch], boxes[touch]
    ix = np.rint((X - minx) / d - 0.5).astype(np.int64)
    iy = np.rint((Y - miny) / d - 0.5).astype(np.int64)
    full = shapely.contains(kor, boxes)
    area = np.full(X.size, d * d)
    part = np.nonzero(~full)[0]
    pieces = shapely.intersection(boxes[part], kor)
    area[part] = shapely.area(pieces)
    centre_in = shapely.contains_xy(kor, X[part], Y[part])
    moved = part[~centre_in]
    if moved.size:
        pts = shapely.point_on_surface(pieces[~centre_in])
        X[moved], Y[moved] = shapely.get_x(pts), shapely.get_y(pts)
    keep = area > 1e-6 * d * d
    X, Y, area, ix, iy = X[keep], Y[keep], area[keep], ix[keep], iy[keep]
    _, inv = geo.laea(*GRID_CENTER)
    lon, lat = inv.transform(X, Y)
    return Grid(np.asarray(lat), np.asarray(lon), X, Y, area / 1e6, step_km, kor, ix, iy,
                (float(minx), float(miny)))




@lru_cache(maxsize=8)
def city_cells(step_km: float) -> tuple[tuple[dict, ...], np.ndarray]:
    """South Korean cities (GeoNames, population >= 100,000) and the grid cell each falls in.

    A city belongs to the nearest cell's evaluation point within one grid spacing (cached per
    spacing: footprints, their summaries and the siting search all use it).

    Parameters
    ----------
    step_km : float
        Grid spacing (km).

    Returns
    -------
    cities : tuple of dict
        The cities (``name``, ``population``, coordinates).
    cell : ndarray of int
        Index of each city's cell in ``south_korea_grid(step_km)``, or -1.
    """
    g = south_korea_grid(step_km)
    cities = tuple(c for c in geo.cities() if c["country"] == "KR")
    fwd, _ = geo.laea(*GRID_CENTER)
    x, y = fwd.transform(np.array([c["lon_deg"] for c in cities]),
                         np.array([c["lat_deg"] for c in cities]))
    cell = np.full(len(cities), -1, dtype=np.int64)
    for k in range(len(cities)):
        d2 = (g.x - x[k]) ** 2 + (g.y - y[k]) ** 2
        j = int(np.argmin(d2))
        if d2[j] <= (g.step_km * 1e3) ** 2:
            cell[k] = j
    cell.flags.writeable = False
    return cities, cell
