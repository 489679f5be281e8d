package handlers

import (
	"strconv"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// fileLinks turns file records into links for the Files component.
func fileLinks(files []models.File) []components.FileLink {
	out := make([]components.FileLink, 0, len(files))
	for _, f := range files {
		out = append(out, components.FileLink{URL: web.FileURL(f.ID), Name: f.Filename, IsImage: f.IsImage(), Purpose: "file.purpose." + f.Purpose})
	}
	return out
}
