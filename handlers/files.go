package handlers

import (
	"context"
	"errors"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/view"
)

// UploadRule limits one upload field.
type UploadRule struct {
	Field    string
	Purpose  string
	Types    []string // allowed sniffed content types
	MaxBytes int64
	MaxFiles int
	Required bool
	// MinWidth and MinHeight, when set, are the smallest pixel size an image may have.
	MinWidth, MinHeight int
}

// Document uploads for verification: jpg/jpeg/png/bmp/gif/pdf, ≤10 MB.
var docTypes = []string{"image/jpeg", "image/png", "image/bmp", "image/gif", "application/pdf"}

const docMaxBytes = 10 << 20

// checkUploads validates the files of each rule (count, size, sniffed type) without
// storing anything, filling errs per field; it returns the accepted parts per field.
func (a *App) checkUploads(c echo.Context, rules []UploadRule, errs view.Errors) (map[string][]*multipart.FileHeader, error) {
	out := map[string][]*multipart.FileHeader{}
	form, err := c.MultipartForm()
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	for _, r := range rules {
		var headers []*multipart.FileHeader
		if form != nil {
			for _, h := range form.File[r.Field] {
				if h.Size > 0 || h.Filename != "" {
					headers = append(headers, h)
				}
			}
		}
		switch {
		case len(headers) == 0:
			if r.Required {
				errs.Set(r.Field, "error.file_required")
			}
			continue
		case r.MaxFiles > 0 && len(headers) > r.MaxFiles:
			errs.Set(r.Field, "error.too_many_files", "N", r.MaxFiles)
			continue
		}
		for _, h := range headers {
			if h.Size > r.MaxBytes {
				errs.Set(r.Field, "error.file_too_large", "N", r.MaxBytes>>20)
				break
			}
			if key := a.sniff(h, r.Types); key != "" {
				errs.Set(r.Field, key)
				break
			}
			if msg := checkDimensions(h, r); !msg.Empty() {
				errs[r.Field] = msg
				break
			}
		}
		if !errs.Has(r.Field) {
			out[r.Field] = headers
		}
	}
	return out, nil
}

// withUploads writes the checked files to the blob store and hands them to save, the
// one store call of the submission, which records them in its transaction. When save
// fails (a refusal or anything else), the blobs are removed again: a refused submission
// leaves no row and no blob. A blob left by a crash in between is removed by the sweep.
func (a *App) withUploads(c echo.Context, rules []UploadRule, parts map[string][]*multipart.FileHeader, save func(models.Uploads) error) error {
	ctx := c.Request().Context()
	var ups models.Uploads
	discard := func() {
		for _, u := range ups {
			if err := a.Blobs.Delete(context.WithoutCancel(ctx), u.BlobKey); err != nil {
				a.Log.Warn("upload not removed; the blob sweep will", "key", u.BlobKey, "err", err)
			}
		}
	}
	for _, r := range rules {
		for _, h := range parts[r.Field] {
			up, err := a.writeUpload(ctx, h, r)
			if err != nil {
				discard()
				return err
			}
			ups = append(ups, up)
		}
	}
	if err := save(ups); err != nil {
		discard()
		return err
	}
	return nil
}

// sniff checks the content's real type, whatever the name or the declared type say; a
// rule without types accepts any content (archives are checked by the asset scan).
func (a *App) sniff(h *multipart.FileHeader, allowed []string) string {
	if allowed == nil {
		return ""
	}
	f, err := h.Open()
	if err != nil {
		return "error.file_unreadable"
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ct := sniffType(head[:n])
	for _, t := range allowed {
		if ct == t {
			return ""
		}
	}
	return "error.file_type"
}

func sniffType(b []byte) string {
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(b))
	return ct
}

// writeUpload puts one checked file into the blob store.
func (a *App) writeUpload(ctx context.Context, h *multipart.FileHeader, r UploadRule) (models.Upload, error) {
	f, err := h.Open()
	if err != nil {
		return models.Upload{}, err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ct := sniffType(head[:n])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return models.Upload{}, err
	}
	key, size, err := a.Blobs.Put(ctx, f, r.MaxBytes)
	if err != nil {
		return models.Upload{}, err
	}
	return models.Upload{Purpose: r.Purpose, BlobKey: key, Filename: cleanFilename(h.Filename), ContentType: ct, Size: size}, nil
}

// cleanFilename keeps only a safe display name: no directories, no control characters.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '/' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// FileShow serves an upload to its owner or a reviewer; anyone else gets 404.
func (a *App) FileShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := a.Store.FileForUser(ctx, *currentUser(c), id)
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}

// streamFile sends a stored file, sandboxed; images and PDFs inline, the rest as a download.
func (a *App) streamFile(c echo.Context, f models.File) error {
	ctx := c.Request().Context()
	rc, err := a.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return err
	}
	defer rc.Close()
	disp := "inline"
	if c.QueryParam("download") == "1" || (!f.IsImage() && f.ContentType != "application/pdf") {
		disp = "attachment"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType(disp, map[string]string{"filename": f.Filename}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(f.Size, 10))
	h.Set("Cache-Control", "private, no-store")
	return c.Stream(http.StatusOK, f.ContentType, rc)
}

// maxImageSide bounds an image's width and height, so a tiny file cannot claim to be huge.
const maxImageSide = 8000

// checkDimensions reads an image's header and checks its pixel size against the rule.
func checkDimensions(h *multipart.FileHeader, r UploadRule) view.Msg {
	if r.MinWidth == 0 && r.MinHeight == 0 {
		return view.Msg{}
	}
	f, err := h.Open()
	if err != nil {
		return view.M("error.file_unreadable")
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return view.M("error.file_type")
	}
	if cfg.Width < r.MinWidth || cfg.Height < r.MinHeight {
		return view.M("error.image_too_small", "N", strconv.Itoa(r.MinWidth)+"×"+strconv.Itoa(r.MinHeight))
	}
	if cfg.Width > maxImageSide || cfg.Height > maxImageSide {
		return view.M("error.image_too_large", "N", strconv.Itoa(maxImageSide)+"×"+strconv.Itoa(maxImageSide))
	}
	return view.Msg{}
}
