package handlers

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/blobstore"
	"sellercenter/models"
)

// UploadRule limits one upload field.
type UploadRule struct {
	Field    string
	Purpose  string
	Types    []string // allowed sniffed content types
	MaxBytes int64
	MaxFiles int
	Required bool
}

// Document uploads for verification: jpg/jpeg/png/bmp/gif/pdf, ≤10 MB.
var docTypes = []string{"image/jpeg", "image/png", "image/bmp", "image/gif", "application/pdf"}

const docMaxBytes = 10 << 20

// saveUploads stores the files of one field after checking count, size and sniffed type.
// It returns the new file ids, or a field error key.
func (a *App) saveUploads(c echo.Context, r UploadRule) ([]uint, string, error) {
	form, err := c.MultipartForm()
	if err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			if r.Required {
				return nil, "error.file_required", nil
			}
			return nil, "", nil
		}
		return nil, "", echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
	}
	var headers []*multipart.FileHeader
	for _, h := range form.File[r.Field] {
		if h.Size > 0 || h.Filename != "" {
			headers = append(headers, h)
		}
	}
	if len(headers) == 0 {
		if r.Required {
			return nil, "error.file_required", nil
		}
		return nil, "", nil
	}
	if r.MaxFiles > 0 && len(headers) > r.MaxFiles {
		return nil, "error.too_many_files:" + strconv.Itoa(r.MaxFiles), nil
	}
	for _, h := range headers {
		if h.Size > r.MaxBytes {
			return nil, "error.file_too_large:" + strconv.FormatInt(r.MaxBytes>>20, 10), nil
		}
		if key := a.sniff(h, r.Types); key != "" {
			return nil, key, nil
		}
	}
	u, m := currentUser(c), currentMerchant(c)
	var ids []uint
	for _, h := range headers {
		id, err := a.storeUpload(c.Request().Context(), h, r, u, m)
		if errors.Is(err, blobstore.ErrTooLarge) {
			return nil, "error.file_too_large:" + strconv.FormatInt(r.MaxBytes>>20, 10), nil
		}
		if err != nil {
			return nil, "", err
		}
		ids = append(ids, id)
	}
	return ids, "", nil
}

// sniff checks the content's real type, whatever the name or the declared type say.
func (a *App) sniff(h *multipart.FileHeader, allowed []string) string {
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

func (a *App) storeUpload(ctx context.Context, h *multipart.FileHeader, r UploadRule, u *models.User, m *models.Merchant) (uint, error) {
	f, err := h.Open()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ct := sniffType(head[:n])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	key, size, err := a.Blobs.Put(ctx, f, r.MaxBytes)
	if err != nil {
		return 0, err
	}
	nf := models.NewFile{OwnerUserID: u.ID, Purpose: r.Purpose, BlobKey: key, Filename: cleanFilename(h.Filename), ContentType: ct, Size: size}
	if m != nil {
		nf.OwnerMerchantID = &m.ID
	}
	row, err := a.Store.CreateFile(ctx, nf)
	if err != nil {
		_ = a.Blobs.Delete(ctx, key)
		return 0, err
	}
	return row.ID, nil
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
