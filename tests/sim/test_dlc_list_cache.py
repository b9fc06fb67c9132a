"""ListJobs serves finished jobs from a cache; an UpdateJob must still show in the next listing."""

from __future__ import annotations

from tests.sim.conftest import make_world, sim_client

HEADERS = {"x-acs-version": "2020-12-03"}


async def test_update_of_a_finished_job_shows_in_the_list() -> None:
    async with sim_client(make_world(), "http://sim") as http:
        listing = (await http.get("/api/v1/jobs", params={"PageSize": 100, "Status": "Succeeded"},
                                  headers=HEADERS)).json()
        job = listing["Jobs"][0]
        new_priority = 9 if job["Priority"] != 9 else 1
        again = (await http.get("/api/v1/jobs", params={"PageSize": 100, "Status": "Succeeded"},
                                headers=HEADERS)).json()
        assert again["Jobs"][0] == job  # served again, unchanged

        update = await http.put(f"/api/v1/jobs/{job['JobId']}", json={"Priority": new_priority},
                                headers=HEADERS)
        assert update.status_code == 200
        after = (await http.get("/api/v1/jobs", params={"JobId": job["JobId"]}, headers=HEADERS)).json()
        assert after["Jobs"][0]["Priority"] == new_priority
